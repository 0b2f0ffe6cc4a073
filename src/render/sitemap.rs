//! sitemap.xml and robots.txt.
