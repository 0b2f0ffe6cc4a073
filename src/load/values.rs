//! Parsing cell values as offices write them: dates, numbers, yes/no, levels, sources, statuses.
