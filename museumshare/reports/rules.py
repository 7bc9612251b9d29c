"""Who may read the report before it is published, and publish it: those who run the collection.

Anyone reads a published version; nobody else learns a year's figures before their publication.
"""

import rules

from museumshare.returns.rules import runs_the_collection

rules.add_perm("reports.view_draft", runs_the_collection)
rules.add_perm("reports.publish_report", runs_the_collection)
