"""Rights and opt-out signals: web (robots, TDMRep, meta), media metadata, cards, source audit."""
