"""Department profiles: a static site (HTML with inline SVG charts) written from the published warehouse."""
