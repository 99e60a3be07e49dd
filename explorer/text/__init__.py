"""The words and numbers the user reads: one catalogue of every string in English and Chinese (`t`), and
tensor values written as short text (`values`)."""

from explorer.text.catalogue import CATALOGUE, LANGUAGE_NAMES, LANGUAGES, t

__all__ = ["CATALOGUE", "LANGUAGES", "LANGUAGE_NAMES", "t"]
