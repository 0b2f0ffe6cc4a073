//! The Atom feed of notices and monthly disclosures.
