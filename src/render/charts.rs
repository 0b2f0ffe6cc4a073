//! Inline SVG charts drawn at build time, each with a text alternative.
