"""The app's pages: one small script per page over the pure modules, plus `session` for what they share."""
