//! The command-line front ends, one file a command. Each is thin: the work is in the pipeline modules.
