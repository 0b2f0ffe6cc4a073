//! A CSV file as a table: header found under title lines, blank rows skipped, rows numbered as in Excel.
