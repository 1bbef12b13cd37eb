"""One name per test run (#29): the databases, folders and screenshots a run makes carry it, so two runs on one
machine (two checkouts, a benchmark beside a test run) never meet. Inherited by the processes a run starts."""

import os
import uuid

RUN_ID = os.environ.setdefault("ANTOAN_TEST_RUN", uuid.uuid4().hex[:8])
