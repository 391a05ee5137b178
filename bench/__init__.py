"""The benchmark (`make bench`) and the pages it measures, shared with the query guards."""
