//! Whether stage times are wanted on stderr: the one place that reads
//! `GONGKAI_TIMINGS` (set to anything to get them; `bench/run.sh` does).

/// The environment variable that asks for stage times on stderr.
pub const ENV: &str = "GONGKAI_TIMINGS";

/// True when `GONGKAI_TIMINGS` is set: the build, the preview, rendering and the search
/// index print how long their stages took.
pub fn wanted() -> bool {
    std::env::var_os(ENV).is_some()
}
