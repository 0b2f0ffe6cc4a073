/*
 * FOR TESTING UNDER WINE ONLY. NEVER SHIPPED: scripts/release.sh does not build it and
 * no release zip contains it.
 *
 * Rust's standard library gets random bytes (for HashMap seeds) from ProcessPrng in
 * bcryptprimitives.dll, which every Windows 10 and 11 has. Wine 8 (Debian 12) lacks that
 * function, so gongkai.exe would not start under it. scripts/cross-test.sh builds this
 * file with the same mingw compiler into a bcryptprimitives.dll placed beside the exe in
 * a temporary folder, so that wine can run the Windows build and its output can be
 * compared with the Linux build's.
 */
#include <windows.h>

/* advapi32's RtlGenRandom, which wine has. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
