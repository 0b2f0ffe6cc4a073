//! `gongkai serve`: an HTTP server on 127.0.0.1 serving the site from memory, a watcher that rebuilds on change, live reload.
