"""Hand-written negatives: prose that mentions licenses (GPL, MIT, Apache, Creative Commons...)
without granting one. Expected: no license. Written for this benchmark (CC0, like the repo's
other generated test text)."""

from __future__ import annotations

NEGATIVES: tuple[str, ...] = (
    "The MIT campus sits on the Cambridge side of the Charles River, across from Boston.",
    "She studied computer science at MIT and later joined a robotics start-up in Zurich.",
    "Do I need a fishing license to fish from a pier in Maine? The state's website explains.",
    "Renew your driver's license online up to six months before it expires.",
    "The GPL debate on the mailing list went on for weeks without anyone changing their mind.",
    "This article compares the GPL and the MIT license and explains why companies prefer one"
    " over the other for internal tools.",
    "We are still deciding whether to publish this code at all; no license has been chosen"
    " and none is granted by this draft.",
    "Licensing questions should be sent to the legal team before anything is released.",
    "The radio station lost its broadcasting license after the regulator's review in 2019.",
    "In the talk, the speaker argued that the Apache License's patent clause is misunderstood"
    " by many developers.",
    "Is the LGPL compatible with static linking? The answer depends on who you ask and which"
    " version you read.",
    "Creative Commons was founded in 2001; its founders wanted a simpler way to share work.",
    "Our pub applied for a late-night alcohol license, but the council has not decided yet.",
    "The BSD family of operating systems descends from the Berkeley Software Distribution.",
    "Copyleft is a play on the word copyright; the idea is older than most people think.",
    "A software license audit found three unlicensed copies of the spreadsheet program.",
    "The license plate reader misread the number twice before the barrier opened.",
    "Open source licenses are often grouped as permissive or copyleft; this page is a glossary"
    " of the terms, not legal advice.",
    "He worked at the Free Software Foundation for a year before moving to a law firm.",
    "The GNU project was announced in 1983 on the net.unix-wizards newsgroup.",
    "Pilots must hold a valid license and a medical certificate to fly commercially.",
    "The MIT Press catalogue lists the new edition of the algorithms textbook for spring.",
    "Before you contribute, read the contributing guide; the project's license file is in the"
    " repository root.",
    "The vendor's license server was down, so nobody could open the CAD tool this morning.",
    "Why did Linus choose GPLv2 for the kernel? Historians of software still discuss it.",
    "The museum's photo policy is printed at the entrance; ask staff about filming.",
    "A marriage license is issued by the county clerk and is valid for sixty days.",
    "The Apache helicopter first flew in 1975 and entered service in the following decade.",
    "License to Kill is the sixteenth film in the James Bond series.",
    "We benchmarked MIT-licensed and GPL-licensed parsers side by side; results are below.",
    "Please do not remove the license header from files you did not write.",
    "The poet's estate controls the rights to the letters; permission requests go to the"
    " publisher.",
)
