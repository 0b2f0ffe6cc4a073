//! The `gongkai` command. All work is in the library; this only dispatches.

use std::process::ExitCode;

use gongkai::cmd::{self, Command};

/// Rendering tens of thousands of pages allocates and frees many small strings from
/// every thread at once; mimalloc does that with less contention than the system
/// allocator (measured in BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    gongkai::desktop::prepare_console();
    // A double-click (no arguments) or a folder dropped on the program: the menu.
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    if let Some(dropped) = gongkai::desktop::without_command(&args) {
        return gongkai::desktop::run(dropped);
    }
    let cli = cmd::zh::parse();
    if matches!(cli.command, Command::Serve(_)) {
        keep_freed_memory();
    }
    match &cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Build(args) => cmd::build::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Template(args) => cmd::template::run(args),
        Command::Seal(args) => cmd::seal::run(args),
        Command::Verify(args) => cmd::verify::run(args),
    }
}

/// The preview server rebuilds the site on every save. By default mimalloc hands freed
/// pages back to the OS soon after, so each rebuild faults them in and zeroes them again:
/// a fifth of the preview's CPU at county scale, and 0.1-0.3 s of the time from saving a
/// register to seeing the page (BENCHMARKS.md). A preview is one long-lived process that
/// needs the same memory again at every save, so it keeps what it freed (at county scale
/// about 80 MB more at the peak). `gongkai build` keeps the default: it runs once, and
/// returning memory keeps its peak lower.
fn keep_freed_memory() {
    // `mi_option_purge_delay` of mimalloc.h (the same position in mimalloc v2 and v3);
    // libmimalloc-sys has no constant for it. -1 means "never purge".
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option is a plain store in mimalloc's option table; it is
    // valid at any time and takes effect at the next purge decision.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}
