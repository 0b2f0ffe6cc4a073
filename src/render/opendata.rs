//! Open data: each month's published register as CSV and JSON, and the data dictionary.
