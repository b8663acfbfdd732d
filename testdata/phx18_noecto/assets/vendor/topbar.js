/* topbar 3.0.0 (vendored) */
