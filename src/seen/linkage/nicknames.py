"""Forenames that name the same person: short forms, pet names and other spellings.

Agencies that are told a name rather than shown a document write what they hear: "Bob" for
Robert, "Mo" for Mohammed, "Kasia" for Katarzyna. Each group below is one given name with the
forms people in England commonly use for it, the first entry being the canonical form. A form may
belong to more than one group ("Sam": Samuel and Samantha, "Alex": Alexander and Alexandra);
`sex` says which group a form most likely means when the record says whether the person is a man
or a woman.

The groups are a hand-made list of common English usage, with the everyday English equivalents of
names common in England's largest communities (Polish, Romanian, Lithuanian, South Asian, West and
East African). They are deliberately conservative: a name in its own right that is also a pet form
(Liam, Elsie, Molly) is not merged into another name, because merging two different names costs
more than missing a short form (the comparison still scores a close spelling).
"""

from __future__ import annotations

from functools import cache

# (canonical, sex "m" / "f" / "" for either, other forms)
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # men
    ("robert", "m", ("bob", "bobby", "bobbie", "rob", "robbie", "robby", "bert", "bertie")),
    ("william", "m", ("bill", "billy", "billie", "will", "willie", "willy", "wills")),
    ("richard", "m", ("rich", "richie", "richy", "rick", "ricky", "rickie", "dick", "dickie")),
    ("james", "m", ("jim", "jimmy", "jimmie", "jamie", "jem", "jimi")),
    ("john", "m", ("johnny", "johnnie", "jonny", "jock", "johnathan", "jon")),
    ("jonathan", "m", ("jon", "jonny", "jonnie", "johnny", "jonathon", "johnathon")),
    ("thomas", "m", ("tom", "tommy", "tommie", "thom", "tomasz", "tomas", "toma")),
    (
        "michael",
        "m",
        (
            "mike",
            "mick",
            "micky",
            "mickey",
            "mickie",
            "mikey",
            "mikie",
            "mic",
            "michal",
            "mihai",
            "mikhail",
            "michele",
            "mikael",
            "mykola",
        ),
    ),
    (
        "christopher",
        "m",
        (
            "chris",
            "kit",
            "topher",
            "christoph",
            "krzysztof",
            "krzys",
            "kristof",
            "cristopher",
            "kristopher",
        ),
    ),
    ("daniel", "m", ("dan", "danny", "dannie", "dani", "daniele")),
    ("matthew", "m", ("matt", "matty", "mat", "mateusz", "matthias", "mathew", "matei")),
    ("anthony", "m", ("tony", "ant", "antony", "anton", "antoni", "antonio", "toni")),
    ("joseph", "m", ("joe", "joey", "josef", "jozef", "giuseppe", "jose")),
    ("yusuf", "m", ("yousef", "yusef", "youssef", "yousuf")),
    ("edward", "m", ("ed", "eddie", "eddy", "ted", "teddy", "ned", "edvard")),
    (
        "alexander",
        "m",
        (
            "alex",
            "alec",
            "alek",
            "alexandr",
            "aleksander",
            "alexandru",
            "alasdair",
            "alastair",
            "alistair",
            "sandy",
            "xander",
            "sasha",
        ),
    ),
    ("benjamin", "m", ("ben", "benny", "benji", "benjy")),
    ("samuel", "m", ("sam", "sammy", "sammie", "samuil")),
    (
        "nicholas",
        "m",
        ("nick", "nicky", "nicki", "nic", "nico", "nikolai", "nikolas", "mikolaj", "nicolas"),
    ),
    ("stephen", "m", ("steve", "steven", "stevie", "stefan", "stephan", "steffan")),
    ("andrew", "m", ("andy", "andi", "drew", "andrei", "andrzej", "andreas")),
    ("david", "m", ("dave", "davey", "davy", "dai", "dawid", "davide")),
    ("joshua", "m", ("josh", "joshy")),
    ("nathan", "m", ("nate", "nat")),
    ("nathaniel", "m", ("nate", "nat", "nathanael")),
    ("callum", "m", ("cal", "calum", "kallum")),
    ("kieran", "m", ("kieron", "keiran", "kyran", "kieren")),
    ("lewis", "m", ("louis", "lou", "luis", "ludwik")),
    ("peter", "m", ("pete", "piotr", "pietro", "petr", "petras", "petru")),
    ("paul", "m", ("pawel", "paulo", "paolo", "paulius")),
    ("jacob", "m", ("jake", "jakub", "kuba", "jakob", "iacob")),
    ("luke", "m", ("lukasz", "lukas", "lucas", "luka")),
    ("abdullah", "m", ("abdullahi", "abdi", "abdalla", "abdulla")),
    ("oluwaseun", "m", ("seun",)),
    ("chukwuemeka", "m", ("emeka",)),
    ("babatunde", "m", ("tunde",)),
    ("oluwafemi", "m", ("femi",)),
    ("olusegun", "m", ("segun",)),
    (
        "mohammed",
        "m",
        (
            "muhammad",
            "mohammad",
            "mohamed",
            "muhammed",
            "mohamad",
            "mohamud",
            "mahomed",
            "mohd",
            "mo",
            "mohammod",
            "muhamad",
        ),
    ),
    ("ahmed", "m", ("ahmad", "ahmet", "ahmid")),
    ("omar", "m", ("umar", "omer", "omari")),
    ("hussain", "m", ("hussein", "husain", "hussien", "husayn")),
    ("hassan", "m", ("hasan",)),
    ("mustafa", "m", ("mostafa", "mustapha", "mustafah")),
    ("ibrahim", "m", ("ebrahim", "ibraheem", "ibrahima")),
    ("usman", "m", ("osman", "uthman", "othman")),
    ("hamza", "m", ("hamzah",)),
    ("zain", "m", ("zayn", "zane", "zayne")),
    ("faisal", "m", ("faysal", "feisal", "faizal")),
    ("tariq", "m", ("tarik", "tareq")),
    ("rajesh", "m", ("raj",)),
    ("vikram", "m", ("vik", "vicky")),
    ("emmanuel", "m", ("manny", "emanuel", "immanuel")),
    ("henry", "m", ("harry", "hal", "hank", "hen", "henryk", "henri")),
    ("harold", "m", ("harry", "hal", "harald")),
    ("frederick", "m", ("fred", "freddie", "freddy", "fredrick", "frederic", "fredric", "fritz")),
    ("alfred", "m", ("alf", "alfie", "fred", "freddie", "alfredo")),
    ("charles", "m", ("charlie", "chas", "chaz", "chuck", "karol")),
    ("george", "m", ("georgie", "geordie", "jerzy", "jurgen", "gheorghe")),
    ("arthur", "m", ("art", "artie", "artur", "arturo")),
    ("albert", "m", ("al", "bert", "bertie", "albie")),
    ("archibald", "m", ("archie", "archy", "baldie")),
    ("theodore", "m", ("theo", "ted", "teddy")),
    ("timothy", "m", ("tim", "timmy")),
    ("patrick", "m", ("pat", "paddy", "patsy", "padraig")),
    ("gerald", "m", ("gerry", "jerry", "ged", "gerard")),
    ("gregory", "m", ("greg", "gregor", "grzegorz")),
    ("kenneth", "m", ("ken", "kenny", "kennie")),
    ("lawrence", "m", ("laurence", "larry", "laurie", "lorenzo")),
    ("leonard", "m", ("len", "lenny", "leo")),
    ("raymond", "m", ("ray", "raymund")),
    ("ronald", "m", ("ron", "ronnie", "ronny")),
    ("donald", "m", ("don", "donnie", "donny")),
    ("douglas", "m", ("doug", "dougie", "duggie")),
    ("francis", "m", ("frank", "frankie", "franky", "francesco", "franciszek", "franz")),
    ("philip", "m", ("phil", "phillip", "pip", "filip", "philipp")),
    ("terence", "m", ("terry", "terrence", "tel")),
    ("vincent", "m", ("vince", "vinny", "vinnie")),
    ("walter", "m", ("walt", "wally")),
    ("jeremy", "m", ("jerry", "jez", "jeremiah")),
    ("maximilian", "m", ("max", "maxwell", "maks", "maksymilian")),
    ("oliver", "m", ("ollie", "olly", "oli", "olivier")),
    ("zachary", "m", ("zach", "zack", "zac", "zak")),
    ("dominic", "m", ("dom", "dominik", "dominick")),
    ("reginald", "m", ("reg", "reggie")),
    ("roderick", "m", ("rod", "roddy")),
    ("stanley", "m", ("stan",)),
    ("stuart", "m", ("stu", "stewart")),
    ("sebastian", "m", ("seb", "bastian", "sebastien")),
    ("tobias", "m", ("toby",)),
    ("ian", "m", ("iain", "ean")),
    ("neil", "m", ("neal", "niall", "neill")),
    ("sean", "m", ("shaun", "shawn", "shaughn")),
    ("jordan", "m", ("jordon",)),
    ("connor", "m", ("conor", "conner")),
    ("aidan", "m", ("aiden", "aden", "ayden")),
    ("gary", "m", ("garry", "gaz")),
    ("mark", "m", ("marc", "marek", "marco", "marcus", "markus")),
    ("martin", "m", ("marty", "marcin")),
    ("simon", "m", ("si", "szymon")),
    ("adam", "m", ("ad",)),
    ("darius", "m", ("dariusz",)),
    ("marius", "m", ("mariusz",)),
    ("ionut", "m", ("ionel",)),
    ("florin", "m", ("florian",)),
    # women
    (
        "elizabeth",
        "f",
        (
            "liz",
            "lizzie",
            "lizzy",
            "beth",
            "betty",
            "bettie",
            "bess",
            "bessie",
            "eliza",
            "libby",
            "liza",
            "elisabeth",
            "elzbieta",
            "ela",
        ),
    ),
    (
        "katherine",
        "f",
        (
            "kate",
            "katie",
            "katy",
            "kathy",
            "cathy",
            "kat",
            "kath",
            "cath",
            "kitty",
            "catherine",
            "kathryn",
            "katharine",
            "catharine",
            "kathrine",
            "katarzyna",
            "kasia",
            "kaska",
            "ekaterina",
            "katrina",
        ),
    ),
    ("rebecca", "f", ("becky", "becca", "bex", "becki", "rebekah")),
    ("jennifer", "f", ("jen", "jenny", "jenni", "jennie", "jenna")),
    ("samantha", "f", ("sam", "sammie", "sammy", "sami")),
    ("victoria", "f", ("vicky", "vicki", "vikki", "vickie", "tori", "vic", "wiktoria")),
    ("jessica", "f", ("jess", "jessie", "jessy", "jessika")),
    ("stephanie", "f", ("steph", "steff", "stephie", "stefanie")),
    ("abigail", "f", ("abbie", "abby", "abi", "abbey")),
    ("natasha", "f", ("tasha", "tash", "nat")),
    ("natalie", "f", ("nat", "natalia", "nathalie", "natalya")),
    ("nicola", "f", ("nicky", "nicki", "nikki", "nic", "nichola", "nicole")),
    ("danielle", "f", ("dani", "danni", "dannie", "daniela", "daniella")),
    ("charlotte", "f", ("lottie", "lotte", "charlie", "char", "lotty")),
    (
        "margaret",
        "f",
        (
            "maggie",
            "meg",
            "peggy",
            "marge",
            "madge",
            "maggy",
            "malgorzata",
            "gosia",
            "margareta",
            "margarita",
        ),
    ),
    ("megan", "f", ("meg", "meghan", "meagan")),
    ("jacqueline", "f", ("jackie", "jacqui", "jacky")),
    ("patricia", "f", ("pat", "patty", "tricia", "trish", "patsy")),
    ("susan", "f", ("sue", "susie", "suzy", "suzanne", "susannah", "suzie", "zuzanna")),
    ("deborah", "f", ("debbie", "deb", "debs", "debra")),
    ("amanda", "f", ("mandy", "manda")),
    (
        "alexandra",
        "f",
        ("alex", "lexi", "lexie", "ola", "sasha", "aleksandra", "alexa", "alessandra"),
    ),
    ("magdalena", "f", ("magda", "madeleine", "madeline")),
    ("ayesha", "f", ("aisha", "aysha", "ayisha", "aishah", "ayesa")),
    ("fatima", "f", ("fatma", "fatimah", "fatema")),
    ("zainab", "f", ("zaynab", "zeinab", "zenab")),
    ("maryam", "f", ("mariam", "miriam", "maryum")),
    ("kayleigh", "f", ("kayley", "kaylee", "kaley", "kayleah", "kailey")),
    ("hayley", "f", ("haley", "hailey", "haylee")),
    ("zoe", "f", ("zoey", "zoie")),
    ("eleanor", "f", ("ellie", "nell", "nellie", "elle", "elinor", "eleanore")),
    ("louise", "f", ("lou", "louisa", "lulu", "luiza")),
    ("joanne", "f", ("jo", "jojo", "joanna", "joann", "joan", "ioana", "asia")),
    (
        "christine",
        "f",
        (
            "chris",
            "chrissie",
            "chrissy",
            "tina",
            "christina",
            "kristina",
            "cristina",
            "krystyna",
            "kristine",
        ),
    ),
    ("gemma", "f", ("jemma",)),
    ("leanne", "f", ("lee-anne", "lianne", "leann", "leeanne")),
    ("kirsty", "f", ("kirstie", "kirsten", "kristy", "kirstin")),
    ("stacey", "f", ("stacy", "staci", "stacie")),
    ("claire", "f", ("clare", "klara", "clara")),
    ("michelle", "f", ("shelley", "shell", "michela")),
    ("rachel", "f", ("rachael", "rach", "raquel")),
    ("sarah", "f", ("sara",)),
    ("hannah", "f", ("hanna", "hana")),
    ("olivia", "f", ("liv", "livvy", "livia", "oliwia")),
    ("sophie", "f", ("sophia", "sofia", "soph", "zofia")),
    ("emily", "f", ("emilie", "emmy", "em", "emilia")),
    ("grace", "f", ("gracie",)),
    ("isabel", "f", ("isabella", "isabelle", "izzy", "izzie", "bella", "isobel")),
    ("florence", "f", ("flo", "florrie", "flossie")),
    ("rose", "f", ("rosie", "rosa")),
    ("mary", "f", ("marie", "maria", "mae", "marysia")),
    ("caroline", "f", ("carol", "carolina", "karolina", "carrie", "carole")),
    ("eva", "f", ("eve", "ewa", "ieva")),
    ("helen", "f", ("helena", "elena", "ellen")),
    ("andrea", "f", ("andreea",)),
    ("monica", "f", ("monika",)),
    ("agnieszka", "f", ("aga", "agnes")),
    ("ruth", "f", ("ruta",)),
    ("roxana", "f", ("roxanne", "roxy")),
    ("anisa", "f", ("anissa",)),
    ("amina", "f", ("aminah", "ameena")),
    ("nadia", "f", ("nadiya", "nadja")),
    ("saima", "f", ("sayma",)),
    ("rukhsana", "f", ("ruksana", "rukhsar")),
    ("alisha", "f", ("alicia", "alysha")),
    ("sana", "f", ("sanaa", "sanna")),
    ("pooja", "f", ("puja",)),
    ("funmilayo", "f", ("funmi",)),
    ("ifeoma", "f", ("ify", "ife")),
    ("adaeze", "f", ("ada", "daeze")),
    ("tolulope", "f", ("tolu",)),
    ("yetunde", "f", ("yetty",)),
)

# Words that stand where a forename should be but name nobody ("Baby Hollis" before the
# birth is registered) or are a title rather than a name.
PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "baby",
        "babyboy",
        "babygirl",
        "boy",
        "girl",
        "infant",
        "unborn",
        "newborn",
        "twin",
        "unknown",
        "unk",
        "notknown",
        "nk",
        "na",
        "none",
        "null",
        "male",
        "female",
        "child",
        "anon",
        "anonymous",
        "xx",
        "x",
        "test",
    }
)
TITLES: frozenset[str] = frozenset(
    {
        "mr",
        "mrs",
        "miss",
        "ms",
        "mx",
        "dr",
        "sir",
        "dame",
        "lady",
        "lord",
        "rev",
        "revd",
        "prof",
        "master",
        "fr",
        "sr",
        "jr",
        "st",
        "bt",
        "kt",
        "bart",
        "hon",
        "rt",
        "nd",
        "rd",
        "th",
        "baronet",
    }
)
# Words that stand where a surname should be but are a title or an honour ("Bt", "Baronet").
SURNAME_PLACEHOLDERS: frozenset[str] = frozenset({"bt", "bart", "baronet", "kt", "esq", "esquire"})


@cache
def _index() -> dict[str, tuple[tuple[str, str], ...]]:
    """form -> ((canonical, sex), ...) for every group the form belongs to."""
    index: dict[str, list[tuple[str, str]]] = {}
    for canonical, sex, forms in GROUPS:
        for form in (canonical, *forms):
            entries = index.setdefault(form, [])
            if (canonical, sex) not in entries:
                entries.append((canonical, sex))
    return {form: tuple(entries) for form, entries in index.items()}


def keys(name: str) -> list[str]:
    """Every canonical name `name` may stand for, itself included, sorted ("sam" ->
    ["sam", "samantha", "samuel"]). Two forenames may name the same person when their keys
    intersect."""
    found = {canonical for canonical, _sex in _index().get(name, ())}
    found.add(name)
    return sorted(found)


def canonical(name: str, sex: str | None = None) -> str:
    """The one canonical form used for blocking: the group matching `sex` ("m"/"f") if there
    is one, else the first group listed, else the name itself."""
    entries = _index().get(name, ())
    if not entries:
        return name
    for entry_canonical, entry_sex in entries:
        if sex and entry_sex == sex:
            return entry_canonical
    return entries[0][0]


def table_rows() -> list[tuple[str, str, str, list[str]]]:
    """(form, canonical for a man, canonical for a woman, keys) for every known form: the
    lookup table prepare joins against in DuckDB."""
    rows = []
    for form in sorted(_index()):
        rows.append((form, canonical(form, "m"), canonical(form, "f"), keys(form)))
    return rows
