"""Write ``claims.jsonl``: the labelled sentence set for ``benchmarks/claims.py``.

Written for this project by the helper that wrote the claims rules (issue 13), so it is not
independent of them. All names are invented. Sentences are built from hand-written
predicates and frames; the ``heldout`` split uses its own predicates, frames and names,
written before the rules were tuned on the ``dev`` split (see RESULTS.md).

Labels per sentence: ``category`` (an allegation category, quote, figure, or none when the
sentence states nothing about an identifiable person/organisation), ``entity`` and
``entity_type``, and the ``hedged``/``negated``/``fiction`` flags. ``kind`` says which
frame made it. Run: ``python benchmarks/data/make_claims.py`` (deterministic).
"""

from __future__ import annotations

import json
from pathlib import Path

PERSONS = {
    "dev": [
        "Martin Keller",
        "Sofia Brandt",
        "Dr Helen Ashby",
        "Senator Paul Whitcombe",
        "Rajiv Menon",
        "Claire O'Donnell",
        "Tomás Ferreira",
        "Nadia Haddad",
        "George P. Lindqvist",
        "Mrs Evelyn Carter",
        "Oliver Stanton-Hughes",
        "Mei Lin Zhou",
        "Andrew Baxter",
        "Lucy Fairweather",
        "Prof. Daniel Osei",
        "Hannah Kowalski",
        "Marcus Reed",
        "Ingrid Solberg",
        "Victor Dumont",
        "Priya Raman",
        "Samuel Okafor",
        "Julia Westbrook",
        "Ahmed Karimi",
        "Rosa Delgado",
    ],
    "heldout": [
        "Fiona MacLeod",
        "Kenji Watanabe",
        "Judge Arthur Pemberton",
        "Beatriz Almeida",
        "Connor Fitzgerald",
        "Elena Petrova",
        "Ms Grace Whitfield",
        "Yusuf Demir",
        "Harriet Vance",
        "Luca Romano",
        "Mayor Dennis Holloway",
        "Amara Nwosu",
        "Isabel Crane",
        "Stefan Bauer",
        "Olga Ivanova",
        "Dr. Rupert Langley",
    ],
}
ORGS = {
    "dev": [
        "Northwind Logistics Ltd",
        "Brightwater Capital",
        "Kessler Pharma GmbH",
        "Orion Retail plc",
        "Bluepeak Software Inc.",
        "Harbor & Vine LLC",
    ],
    "heldout": [
        "Silverline Foods Ltd",
        "Crestmoor Bank",
        "Vantaro Systems Inc",
        "Alder Mining plc",
        "Quillfeather Publishing",
        "Rheinfeld AG",
    ],
}
PREDICATES = {
    "dev": {
        "crime": [
            "was convicted of armed robbery in Leeds",
            "was arrested for assaulting a neighbour",
            "murdered a business partner",
            "stole jewellery from a client",
            "was jailed for drug trafficking",
            "pleaded guilty to burglary",
            "has a criminal record for arson",
            "was sentenced to six years for kidnapping",
        ],
        "fraud": [
            "embezzled funds from the charity",
            "ran a Ponzi scheme",
            "committed tax evasion for a decade",
            "falsified the accounts of the firm",
            "defrauded elderly investors",
            "took kickbacks from suppliers",
            "engaged in insider trading before the merger",
            "forged an employer's signature",
        ],
        "misconduct": [
            "bribed a city official",
            "harassed junior staff",
            "covered up safety failures",
            "lied to Parliament about the contract",
            "plagiarised a doctoral thesis",
            "was fired for bullying colleagues",
            "abused her position to hire relatives",
            "rigged the tender for the new hospital",
        ],
        "disease": [
            "has been diagnosed with dementia",
            "suffers from schizophrenia",
            "is an alcoholic",
            "has HIV",
            "is addicted to painkillers",
            "spent the summer in rehab",
            "has terminal cancer",
            "had a stroke last year",
        ],
        "sexual": [
            "had an affair with an intern",
            "sexually assaulted a colleague",
            "slept with a rival's wife",
            "paid for prostitutes on company trips",
            "groped a waitress at a party",
            "keeps a mistress in Paris",
            "was caught in a sex scandal",
            "molested a child",
        ],
        "insolvency": [
            "is bankrupt",
            "went bust last spring",
            "filed for Chapter 11",
            "defaulted on a mortgage",
            "is insolvent",
            "owes creditors millions",
            "is on the brink of collapse",
            "went broke after the divorce",
        ],
        "incompetence": [
            "botched a routine operation",
            "is incompetent",
            "was struck off the medical register",
            "was disbarred",
            "has a fake degree",
            "misdiagnosed dozens of patients",
            "was negligent in the audit",
            "lost her licence after complaints",
        ],
    },
    "heldout": {
        "crime": [
            "was charged with manslaughter after the crash",
            "smuggled cigarettes across the border",
            "was indicted on extortion counts",
            "blackmailed a former colleague",
            "was caught shoplifting at a supermarket",
            "robbed a petrol station as a teenager",
        ],
        "fraud": [
            "misappropriated client money",
            "laundered money for a cartel",
            "cooked the books to hide losses",
            "swindled pensioners out of their savings",
            "is a fraudster who cheated investors",
            "scammed online buyers",
        ],
        "misconduct": [
            "took bribes from contractors",
            "bullied an assistant for years",
            "committed perjury in the trial",
            "hid a conflict of interest from the board",
            "made racist remarks to staff",
            "discriminated against older applicants",
        ],
        "disease": [
            "has Parkinson's",
            "suffers from depression",
            "was diagnosed with hepatitis",
            "has bipolar disorder",
            "has Alzheimer's",
            "is battling tuberculosis",
        ],
        "sexual": [
            "cheated on his wife with a neighbour",
            "made a sex tape with a client",
            "is a paedophile",
            "committed adultery",
            "raped a student",
            "had an affair with a personal trainer",
        ],
        "insolvency": [
            "was declared bankrupt",
            "fell into receivership",
            "is being liquidated",
            "faces foreclosure on the family home",
            "is unable to pay her debts",
            "is broke and cannot pay staff",
        ],
        "incompetence": [
            "is unqualified for the job",
            "is a quack",
            "failed three safety inspections",
            "committed malpractice",
            "is unfit to practise",
            "has no idea what she is doing",
        ],
    },
}
HEDGES = {
    "dev": [
        "It is rumoured that {e} {p}.",
        "{e} reportedly {p}.",
        "According to sources, {e} {p}.",
    ],
    "heldout": [
        "There are unconfirmed reports that {e} {p}.",
        "Rumour has it that {e} {p}.",
        "Commentators speculate that {e} {p}.",
    ],
}
NEGATIONS = {
    "dev": [
        "{e} denied reports that they {p}.",
        "There is no evidence that {e} {p}.",
        "{e} was cleared of claims that they {p}.",
    ],
    "heldout": [
        "Investigators found that {e} never {p}.",
        "{e} has always denied that they {p}.",
        "It is false that {e} {p}.",
    ],
}
FICTION = {
    "dev": ["In the novel, {e} {p}.", "The character {e} {p} in chapter three."],
    "heldout": ["In my short story, {e} {p}.", "In the film adaptation, {e} {p}."],
}
ORG_ALLEGATIONS = {
    "dev": [
        ("fraud", "{o} defrauded its customers."),
        ("insolvency", "{o} went into administration."),
        ("fraud", "{o} falsified safety data."),
        ("misconduct", "{o} bribed officials to win contracts."),
        ("insolvency", "{o} is insolvent."),
        ("incompetence", "{o} botched the data migration."),
        ("crime", "{o} was convicted of dumping toxic waste."),
        ("misconduct", "{o} covered up a data breach."),
    ],
    "heldout": [
        ("fraud", "{o} laundered money through shell companies."),
        ("insolvency", "{o} is in receivership."),
        ("misconduct", "{o} rigged prices with competitors."),
        ("incompetence", "{o} was negligent in maintaining its pipelines."),
        ("crime", "{o} was charged with illegal dumping."),
        ("fraud", "{o} ran a scam targeting pensioners."),
    ],
}
NEUTRAL = {
    "dev": [
        "{e} opened a bakery in Bristol.",
        "{e} plays the cello on weekends.",
        "{e} gave a talk on urban gardening.",
        "{e} lives near the coast with two dogs.",
        "{e} studied chemistry at university.",
        "{e} thanked the volunteers for their help.",
        "{e} wrote a book about fraud prevention.",
        "{e} funds research into cancer treatment.",
        "{e} visited the new library on Tuesday.",
        "{e} is a keen marathon runner.",
        "{e} campaigns against drunk driving.",
        "{e} hosted a dinner for the team.",
    ],
    "heldout": [
        "{e} coaches a youth football team.",
        "{e} restored an old sailing boat.",
        "{e} teaches a course on criminal law.",
        "{e} volunteers at a dementia care home.",
        "{e} announced a new children's book.",
        "{e} moved to Lisbon in the spring.",
        "{e} chaired the panel on climate policy.",
        "{e} donated paintings to the museum.",
    ],
}
NONPERSON = {
    "dev": [
        "A local man was convicted of burglary.",
        "The company went bust last year.",
        "Several employees were arrested after the protest.",
        "The patient has been diagnosed with dementia.",
        "Someone stole the bicycles overnight.",
        "The old mill went into administration decades ago.",
        "Fraud costs retailers billions every year.",
        "A nurse was struck off for misconduct.",
        "The neighbour had an affair, people said.",
        "Police arrested two men in the park.",
        "Cancer rates fell across the region.",
        "The firm's accounts were falsified, auditors found.",
    ],
    "heldout": [
        "A driver was jailed for manslaughter.",
        "Bankruptcy filings rose in the spring.",
        "Three teenagers were caught shoplifting.",
        "The clinic misdiagnosed a patient.",
        "Corruption remains a problem in procurement.",
        "The treasurer embezzled club funds.",
        "An unnamed official took bribes.",
        "Alcoholism affects many families.",
    ],
}
QUOTES = {
    "dev": [
        '"We will keep every store open this winter," said {e}.',
        '{e} told reporters: "The deal will close before the end of the year."',
        '"I never expected to win this award," {e} said.',
        '"Our results speak for themselves," {e} wrote in a letter to staff.',
    ],
    "heldout": [
        '{e} said: "We have no plans to sell the business."',
        '"This is the proudest day of my career," {e} told the audience.',
        '"The bridge will reopen in June," {e} announced.',
    ],
}
FIGURES = {
    "dev": [
        "{o} reported revenue of $4.2 billion in 2023.",
        "{e} earned £2.3 million last year.",
        "{o} cut 1,200 jobs on 3 March 2021.",
        "{e} bought the house for €850,000.",
        "{o} grew sales by 14% in the third quarter.",
    ],
    "heldout": [
        "{o} paid a dividend of 45 million euros on May 4, 2022.",
        "{e} owns 12% of the shares.",
        "{o} employs 3,400 people in Ohio.",
        "{e} was paid $640,000 in bonuses since 2020.",
    ],
}
NONENTITY_FIGURES = {
    "dev": ["Inflation rose 3% in May.", "The bridge cost $80 million to build."],
    "heldout": ["Rainfall was 20% above average.", "Tickets sold out within 10 minutes."],
}
NONENTITY_QUOTES = {
    "dev": ['"It was a long night," a spokesperson said.'],
    "heldout": ['"We are reviewing the incident," the council said.'],
}


def rows(split: str) -> list[dict[str, object]]:
    persons, orgs = PERSONS[split], ORGS[split]
    out: list[dict[str, object]] = []
    counter = 0

    def person() -> str:
        nonlocal counter
        counter += 1
        return persons[counter % len(persons)]

    def add(
        text: str,
        category: str,
        entity: str | None,
        etype: str | None,
        kind: str,
        hedged: bool = False,
        negated: bool = False,
        fiction: bool = False,
    ) -> None:
        out.append(
            {
                "id": f"{split}-{len(out):03d}",
                "split": split,
                "text": text,
                "category": category,
                "entity": entity,
                "entity_type": etype,
                "hedged": hedged,
                "negated": negated,
                "fiction": fiction,
                "kind": kind,
            }
        )

    for category, preds in PREDICATES[split].items():
        for i, pred in enumerate(preds):
            e = person()
            add(f"{e} {pred}.", category, e, "person", "allegation")
            e = person()
            add(
                HEDGES[split][i % 3].format(e=e, p=pred),
                category,
                e,
                "person",
                "hedged",
                hedged=True,
            )
            e = person()
            add(
                NEGATIONS[split][i % 3].format(e=e, p=pred),
                category,
                e,
                "person",
                "negated",
                negated=True,
            )
            e = person()
            add(
                FICTION[split][i % 2].format(e=e, p=pred),
                category,
                e,
                "person",
                "fiction",
                fiction=True,
            )
    for i, (category, frame) in enumerate(ORG_ALLEGATIONS[split]):
        o = orgs[i % len(orgs)]
        add(frame.format(o=o), category, o, "org", "allegation")
    for frame in NEUTRAL[split]:
        e = person()
        add(frame.format(e=e), "none", e, "person", "neutral")
    for text in NONPERSON[split]:
        add(text, "none", None, None, "nonperson")
    for frame in QUOTES[split]:
        e = person()
        add(frame.format(e=e), "quote", e, "person", "quote")
    for i, frame in enumerate(FIGURES[split]):
        e, o = person(), orgs[i % len(orgs)]
        entity, etype = (o, "org") if "{o}" in frame else (e, "person")
        add(frame.format(e=e, o=o), "figure", entity, etype, "figure")
    for text in NONENTITY_FIGURES[split] + NONENTITY_QUOTES[split]:
        add(text, "none", None, None, "nonperson")
    return out


def main() -> None:
    path = Path(__file__).with_name("claims.jsonl")
    with path.open("w", encoding="utf-8") as f:
        for split in ("dev", "heldout"):
            for row in rows(split):
                f.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
