//! The whole pipeline in one call (load → check → model → render), shared by `build` and `serve`.
