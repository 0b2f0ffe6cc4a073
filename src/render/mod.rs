//! Render: the model to pages (tera templates of the theme) and data files.
