"""The Streamlit app, and the only code that imports streamlit: routing (`navigation`), what every page
shares (`session`), the server's cache of runs and figures (`cache`), one module per page (`*_page`), and two
pure helpers the pages draw from (`link`: what a link carries; `editor`: the requires_grad boxes and the error
excerpt beside the editor)."""
