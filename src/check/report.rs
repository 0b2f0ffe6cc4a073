//! Printing findings: a human report (with the offending cell shown) and JSON.
