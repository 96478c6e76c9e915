"""Rights and opt-out signals: web (robots.txt, TDMRep, noai, ai.txt) and media metadata."""
