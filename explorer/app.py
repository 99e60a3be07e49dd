"""Autograd Explorer: `streamlit run explorer/app.py`. The app itself is explorer/ui/ (pages in
explorer/ui/*_page.py, routing in explorer/ui/navigation.py); this file only starts it.

(The pages are not in a `pages/` folder beside this file: a folder of that name switches Streamlit to its old
directory-based page mode, in which reruns skip this script and the sidebar's language switch disappears.)
"""

import sys
from pathlib import Path

# `streamlit run explorer/app.py` puts explorer/ on the path; the app imports the `explorer` package
ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from explorer.ui.navigation import main  # noqa: E402

# Streamlit runs this file as __main__; worker processes that re-import it (as __mp_main__) must not draw
if __name__ == "__main__":
    main()
