"""Word lists for the synthetic partnership: ordinary forenames and surnames, the short forms and
spellings agencies disagree on, and invented place and street names.

Names are common ones from public name-frequency lists; no combination is meant to be a real
person. Place names are invented, and every postcode starts with Q, which no real UK postcode
area does, so no generated address exists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Heritage:
    """A naming tradition: forenames, surnames, ethnicity codes and languages that go together."""

    key: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    ethnicities: tuple[str, ...]  # CIN census codes, the first the most common
    languages: tuple[str, ...]  # first language; "English" where most speak it


BRITISH = Heritage(
    "british",
    male=(
        "Oliver", "George", "Harry", "Jack", "Jacob", "Noah", "Charlie", "Thomas", "Oscar",
        "William", "James", "Joshua", "Daniel", "Matthew", "Ryan", "Liam", "Connor", "Jordan",
        "Lewis", "Callum", "Jamie", "Luke", "Adam", "Michael", "Robert", "Christopher", "Andrew",
        "David", "Richard", "Stephen", "Paul", "Mark", "Craig", "Lee", "Dean", "Scott", "Kieran",
        "Nathan", "Aaron", "Samuel", "Benjamin", "Joseph", "Anthony", "Edward", "Alexander",
        "Jonathan", "Nicholas", "Kyle", "Shane", "Wayne", "Carl", "Darren", "Jason", "Gary",
        "Stuart", "Ross", "Bradley", "Reece", "Tyler", "Alfie", "Ethan", "Mason", "Logan", "Leon",
        "Kai", "Jake", "Joel", "Owen", "Rhys", "Arthur", "Theo", "Freddie", "Archie", "Henry",
    ),
    female=(
        "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Jessica", "Charlotte", "Lucy",
        "Hannah", "Chloe", "Megan", "Lauren", "Rebecca", "Sarah", "Emma", "Laura", "Amy", "Gemma",
        "Kayleigh", "Stacey", "Danielle", "Natalie", "Hayley", "Jade", "Leanne", "Kirsty", "Zoe",
        "Katie", "Holly", "Bethany", "Abigail", "Elizabeth", "Katherine", "Victoria", "Samantha",
        "Jennifer", "Stephanie", "Natasha", "Nicola", "Rachel", "Louise", "Claire", "Joanne",
        "Kelly", "Lisa", "Michelle", "Shannon", "Courtney", "Paige", "Ellie", "Grace", "Freya",
        "Poppy", "Daisy", "Evie", "Mia", "Ruby", "Lily", "Millie", "Ella", "Phoebe", "Georgia",
        "Caitlin", "Jasmine", "Molly", "Ivy", "Florence", "Willow", "Rosie", "Elsie",
    ),
    surnames=(
        "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
        "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
        "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Jackson", "Wood", "Turner",
        "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker",
        "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker",
        "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter",
        "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards",
        "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Wilkinson", "Foster", "Chapman",
        "Powell", "Webb", "Rogers", "Gray", "Mason", "Hunt", "Campbell", "Matthews", "Owen",
        "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker",
        "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey", "Graham", "Pearson",
        "Fletcher", "Walsh", "Gibson", "Howard", "Andrews", "Stewart", "Elliott", "Reynolds",
        "Saunders", "Payne", "Fox", "Ford", "Pearce", "Brooks", "Lawrence", "Cole", "Atkinson",
        "Spencer", "Dawson", "Ball", "Burton", "O'Brien", "Watts", "Booth", "Perry", "Ryan",
        "Grant", "Wells", "Armstrong", "Francis", "Rees", "Hayes", "Hart", "Hudson", "Newman",
        "Barrett", "Webster", "Hunter", "Gregory", "Carr", "Lowe", "Page", "Marsh", "Riley",
        "Dunn", "Woods", "Parsons", "Berry", "Stone", "Reid", "Holland", "Hawkins", "Harding",
        "Porter", "Robertson", "Newton", "Reed", "Kennedy", "Williamson", "Bird", "Gardner",
        "Lane", "Cunningham", "Sharp", "Harper", "Burns", "McDonald", "MacKenzie", "O'Neill",
    ),
    ethnicities=("WBRI",) * 17 + ("WIRI", "MWBC", "MWAS"),
    languages=("English",),
)

CARIBBEAN = Heritage(
    "caribbean",
    male=BRITISH.male,
    female=BRITISH.female,
    surnames=(
        "Campbell", "Brown", "Williams", "Francis", "Grant", "Thomas", "Clarke", "Henry",
        "Richards", "Reid", "Johnson", "Samuels", "Gordon", "Bailey", "Morgan", "Lewis",
    ),
    ethnicities=("BCRB", "BCRB", "MWBC"),
    languages=("English",),
)

SOUTH_ASIAN = Heritage(
    "south_asian",
    male=(
        "Mohammed", "Muhammad", "Ahmed", "Ali", "Imran", "Bilal", "Hamza", "Usman", "Zain",
        "Adnan", "Asif", "Tariq", "Faisal", "Kamran", "Rizwan", "Arjun", "Rohan", "Sanjay",
        "Rajesh", "Vikram", "Amit", "Harpreet", "Gurpreet", "Jaspreet", "Sunil", "Nikhil",
        "Abdul", "Shahid", "Yusuf", "Ibrahim",
    ),
    female=(
        "Ayesha", "Fatima", "Zainab", "Maryam", "Sana", "Amina", "Nadia", "Saima", "Shazia",
        "Rukhsana", "Priya", "Anjali", "Pooja", "Neha", "Simran", "Harleen", "Kiran", "Sunita",
        "Nusrat", "Shamima", "Farzana", "Rubina", "Hina", "Alisha", "Anisa",
    ),
    surnames=(
        "Khan", "Ahmed", "Hussain", "Ali", "Patel", "Shah", "Akhtar", "Iqbal", "Mahmood",
        "Rahman", "Islam", "Chowdhury", "Uddin", "Miah", "Singh", "Sharma", "Gill", "Sandhu",
        "Dhillon", "Mistry", "Parmar", "Chauhan", "Rashid", "Aziz", "Malik", "Qureshi", "Butt",
        "Sheikh", "Anwar", "Javed",
    ),
    ethnicities=("APKN", "AIND", "ABAN", "AOTH"),
    languages=("English", "English", "Urdu", "Punjabi", "Bengali", "Gujarati"),
)

AFRICAN = Heritage(
    "african",
    male=(
        "Kwame", "Kofi", "Emeka", "Chinedu", "Oluwaseun", "Tunde", "Samuel", "Daniel",
        "Emmanuel", "Joseph", "Abdi", "Mohamed", "Abdullahi", "Yusuf", "Hassan", "Tendai",
        "Kelechi", "Ikenna", "Obinna", "Femi", "Segun", "Chukwuemeka", "Mustafa", "Omar",
    ),
    female=(
        "Abena", "Ama", "Adwoa", "Chioma", "Ngozi", "Funmilayo", "Folake", "Blessing", "Grace",
        "Precious", "Esther", "Faith", "Hodan", "Amina", "Fadumo", "Halima", "Sahra", "Ifeoma",
        "Adaeze", "Yetunde", "Tolu", "Nneka",
    ),
    surnames=(
        "Mensah", "Owusu", "Asante", "Boateng", "Osei", "Adeyemi", "Okafor", "Okonkwo", "Eze",
        "Nwosu", "Adebayo", "Olawale", "Ogunleye", "Abdi", "Mohamed", "Hassan", "Farah",
        "Warsame", "Hussein", "Moyo", "Ncube", "Banda", "Mwangi", "Otieno", "Kamara", "Conteh",
    ),
    ethnicities=("BAFR", "BAFR", "BAFR", "BOTH"),
    languages=("English", "English", "Somali", "Arabic", "Tigrinya", "Yoruba"),
)

EAST_EUROPEAN = Heritage(
    "east_european",
    male=(
        "Piotr", "Pawel", "Tomasz", "Krzysztof", "Marcin", "Michal", "Jakub", "Lukasz",
        "Mateusz", "Adam", "Andrei", "Ionut", "Florin", "Mihai", "Alexandru", "Bogdan", "Marius",
        "Tomas", "Mantas", "Darius", "Jonas", "Lukas",
    ),
    female=(
        "Anna", "Katarzyna", "Agnieszka", "Magdalena", "Joanna", "Monika", "Aleksandra",
        "Natalia", "Ewa", "Karolina", "Ioana", "Elena", "Andreea", "Maria", "Alina", "Roxana",
        "Cristina", "Ieva", "Ruta", "Greta", "Egle",
    ),
    surnames=(
        "Nowak", "Kowalski", "Wisniewski", "Wojcik", "Kowalczyk", "Kaminski", "Lewandowski",
        "Zielinski", "Szymanski", "Wozniak", "Dabrowski", "Popescu", "Ionescu", "Popa", "Radu",
        "Dumitru", "Stan", "Stoica", "Gheorghe", "Kazlauskas", "Jankauskas", "Petrauskas",
    ),
    ethnicities=("WOTH", "WOTH", "WOTH", "WROM"),
    languages=("Polish", "Polish", "Romanian", "Romanian", "Lithuanian", "English"),
)

OTHER = Heritage(
    "other",
    male=("Omar", "Ahmad", "Karim", "Hassan", "Wei", "Jun", "Hao", "Carlos", "Diego", "Luca"),
    female=("Leila", "Yasmin", "Noor", "Mei", "Li", "Xin", "Sofia", "Lucia", "Ana", "Giulia"),
    surnames=(
        "Haddad", "Khalil", "Nasser", "Saleh", "Wang", "Li", "Zhang", "Chen", "Garcia",
        "Rodriguez", "Silva", "Rossi", "Ferreira",
    ),
    ethnicities=("OOTH", "CHNE", "OOTH", "WOTH", "MOTH"),
    languages=("Arabic", "Mandarin", "Cantonese", "Spanish", "Portuguese", "English"),
)

# Share of mothers by naming tradition: rounded from ONS Census 2021 (ethnic group, England).
HERITAGE_WEIGHTS: tuple[tuple[Heritage, int], ...] = (
    (BRITISH, 70),
    (EAST_EUROPEAN, 8),
    (SOUTH_ASIAN, 11),
    (AFRICAN, 4),
    (CARIBBEAN, 2),
    (OTHER, 5),
)

# Short forms and other spellings of one forename, used by agencies that are told a name
# rather than shown a document.
FORENAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Robert", "Bob", "Rob", "Bobby", "Robbie"),
    ("William", "Bill", "Will", "Billy"),
    ("Mohammed", "Muhammad", "Mohammad", "Mohamed", "Mo"),
    ("Michael", "Mike", "Mick", "Mikey"),
    ("James", "Jim", "Jimmy", "Jamie"),
    ("Thomas", "Tom", "Tommy"),
    ("Christopher", "Chris"),
    ("Daniel", "Dan", "Danny"),
    ("Matthew", "Matt"),
    ("Anthony", "Tony", "Ant"),
    ("Joseph", "Joe", "Joey"),
    ("Richard", "Rich", "Richie"),
    ("Edward", "Ed", "Eddie", "Ted"),
    ("Alexander", "Alex", "Alec"),
    ("Benjamin", "Ben"),
    ("Samuel", "Sam", "Sammy"),
    ("Jonathan", "Jon", "Jonny"),
    ("Nicholas", "Nick", "Nicky"),
    ("Stephen", "Steve", "Steven"),
    ("Andrew", "Andy", "Drew"),
    ("David", "Dave", "Davey"),
    ("Joshua", "Josh"),
    ("Nathan", "Nate"),
    ("Callum", "Cal"),
    ("Kieran", "Kieron"),
    ("Lewis", "Louis"),
    ("Piotr", "Peter"),
    ("Pawel", "Paul"),
    ("Tomasz", "Tom"),
    ("Jakub", "Kuba"),
    ("Krzysztof", "Krzys"),
    ("Lukasz", "Luke"),
    ("Abdullahi", "Abdi"),
    ("Oluwaseun", "Seun"),
    ("Chukwuemeka", "Emeka"),
    ("Elizabeth", "Liz", "Beth", "Lizzie"),
    ("Katherine", "Kate", "Katie", "Kathryn", "Catherine"),
    ("Rebecca", "Becky", "Becca"),
    ("Jennifer", "Jen", "Jenny"),
    ("Samantha", "Sam", "Sammie"),
    ("Victoria", "Vicky", "Tori"),
    ("Jessica", "Jess"),
    ("Stephanie", "Steph"),
    ("Abigail", "Abbie", "Abby"),
    ("Natasha", "Tasha"),
    ("Nicola", "Nicky"),
    ("Danielle", "Dani"),
    ("Charlotte", "Lottie"),
    ("Katarzyna", "Kasia"),
    ("Aleksandra", "Alexandra", "Ola"),
    ("Magdalena", "Magda"),
    ("Ayesha", "Aisha"),
    ("Fatima", "Fatma"),
    ("Zainab", "Zaynab"),
    ("Maryam", "Mariam"),
    ("Kayleigh", "Kayley", "Kaylee"),
    ("Hayley", "Haley"),
    ("Zoe", "Zoey"),
)

# Surnames that agencies commonly spell more than one way.
SURNAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Thompson", "Thomson", "Tompson"),
    ("Hussain", "Hussein", "Husain"),
    ("Chowdhury", "Choudhury", "Chaudhry"),
    ("Reid", "Reed", "Read"),
    ("Clarke", "Clark"),
    ("Phillips", "Philips"),
    ("Matthews", "Mathews"),
    ("Stevens", "Stephens"),
    ("Ahmed", "Ahmad"),
    ("Rahman", "Rehman"),
    ("Mohamed", "Mohammed"),
    ("O'Brien", "OBrien", "O Brien"),
    ("O'Neill", "ONeill", "O'Neil"),
    ("McDonald", "MacDonald", "Mcdonald"),
    ("MacKenzie", "McKenzie", "Mackenzie"),
    ("Kowalski", "Kowalska"),
    ("Wisniewski", "Wisniewska"),
    ("Lewandowski", "Lewandowska"),
    ("Zielinski", "Zielinska"),
    ("Szymanski", "Szymanska"),
    ("Kaminski", "Kaminska"),
    ("Dabrowski", "Dabrowska"),
)

FORENAME_VARIANTS: dict[str, tuple[str, ...]] = {
    name: tuple(other for other in group if other != name)
    for group in FORENAME_GROUPS
    for name in group
}
SURNAME_VARIANTS: dict[str, tuple[str, ...]] = {
    name: tuple(other for other in group if other != name)
    for group in SURNAME_GROUPS
    for name in group
}


def feminine_surname(surname: str) -> str:
    """Polish surnames ending -ski take -ska for a woman."""
    return surname[:-1] + "a" if surname.endswith("ski") else surname


# Invented names for the fictional local authorities, their localities and streets.
AREA_NAMES: tuple[str, ...] = (
    "Wrenmoor", "Tallowby", "Quenfield", "Harrowdene", "Skelbrook", "Orrisdale", "Fennick Vale",
    "Marlstow", "Corvendon", "Brindlecombe", "Ottermere", "Yarrowick", "Pellham Downs",
    "Saltherne", "Gannet Bay", "Thistlecross", "Kestwold", "Umberley", "Dravensford",
    "Elderholt", "Vinecombe", "Larkspur Heath", "Ashkettle", "Norrowfield", "Cindersby",
)
LOCALITY_PARTS: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("Brack", "Cald", "Dray", "Fenn", "Gryth", "Holl", "Kess", "Lorr", "Marn", "Nettle", "Orr",
     "Penn", "Quill", "Rook", "Stow", "Thorn", "Wend", "Yarr", "Zell", "Umber"),
    ("abury", "ingford", "ham Green", "ley Cross", "mere", "stead", "wick", "worth", "ton End",
     "field Park"),
)
STREET_WORDS: tuple[str, ...] = (
    "Alder", "Birch", "Cedar", "Elm", "Hawthorn", "Larch", "Maple", "Rowan", "Willow", "Heron",
    "Kestrel", "Linnet", "Plover", "Wren", "Curlew", "Fieldfare", "Orchard", "Mill", "Chapel",
    "Station", "Victoria", "Albert", "Church", "Park", "Meadow", "Brook", "Quarry", "Tannery",
    "Foundry", "Ropewalk", "Saxon", "Beacon", "Hollybush", "Kingfisher", "Lapwing",
)
STREET_KINDS: tuple[str, ...] = (
    "Street", "Road", "Lane", "Close", "Avenue", "Way", "Drive", "Crescent", "Gardens", "Court",
)
# Postcode unit letters: those the Royal Mail uses in the inward code (no C, I, K, M, O, V).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
