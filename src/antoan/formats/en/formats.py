# The English interface keeps the Vietnamese conventions: the documents it shows are Vietnamese.
from antoan.formats.vi.formats import *  # noqa: F403
