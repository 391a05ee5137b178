"""Privacy: the notice, "Download my data", erasure and retention."""
