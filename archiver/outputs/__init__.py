"""What leaves the archive: the HTML report, WACZ, JSON/CSV export, hash manifests, timestamps."""
