"""Names as people in England hold them, and the other ways agencies write them.

Written for the independent evaluation set from what is commonly known about names in England's
largest communities (British, South Asian, Polish, Romanian, Irish and Caribbean), not from any
other list in Seen. Each entry is written `Main=variant,variant~short,short`:

- `Main` is the name as the person spells it;
- `=` other spellings and transliterations an agency may write (Mohammed / Muhammad, Siobhan /
  Shivon, Wojciech written without its letters);
- `~` short forms and everyday English forms the person may go by (Robert ~ Bob, Wojciech ~
  Voytek, Katarzyna ~ Kasia, Kate).

`_` stands for a space inside a name (Mc_Carthy). Lists run from the commonest name down; a
name's weight falls with its place (see `Names.draw`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Name:
    main: str
    variants: tuple[str, ...] = ()
    short: tuple[str, ...] = ()


def parse(text: str) -> tuple[Name, ...]:
    names = []
    for entry in text.split():
        main, _, rest = entry.partition("=")
        short_text = ""
        if "~" in main:
            main, _, short_text = main.partition("~")
        elif "~" in rest:
            rest, _, short_text = rest.partition("~")
        names.append(
            Name(
                main.replace("_", " "),
                tuple(v.replace("_", " ") for v in rest.split(",") if v),
                tuple(s.replace("_", " ") for s in short_text.split(",") if s),
            )
        )
    return tuple(names)


@dataclass(frozen=True)
class Names:
    entries: tuple[Name, ...]

    def draw(self, rng: random.Random, top: int | None = None) -> Name:
        """A name, the commoner ones more often (weight 1 / (place + 3)); `top` keeps only the
        commonest few."""
        entries = self.entries[:top] if top else self.entries
        return rng.choices(entries, weights=_weights(len(entries)))[0]


@cache
def _weights(n: int) -> tuple[float, ...]:
    return tuple(1 / (place + 3) for place in range(n))


# ---- British (English, Welsh, Scottish names) -----------------------------------------------

BRITISH_MEN = parse("""
David~Dave,Davey John~Johnny,Jack Michael~Mike,Mick,Micky Paul Andrew~Andy,Drew
Mark James~Jim,Jimmy,Jamie Richard~Rich,Rick,Richie Stephen=Steven~Steve Christopher~Chris
Daniel~Dan,Danny Matthew=Mathew~Matt Robert~Rob,Bob,Robbie Thomas~Tom,Tommy Anthony~Tony,Ant
Peter~Pete Craig Lee Gary=Garry Wayne Darren Jason Stuart=Stewart Simon Kevin~Kev
Carl=Karl Scott Adam Jonathan~Jon,Jonny Benjamin~Ben Nicholas~Nick,Nicky Ian=Iain
Martin~Marty Philip=Phillip~Phil Neil=Neal Shaun=Shawn,Sean Dean Ryan Liam Ashley~Ash
Samuel~Sam Joseph~Joe,Joey Alexander~Alex,Alec William~Will,Bill,Billy Edward~Ed,Eddie,Ted
Kieran=Kieron Luke Jamie Nathan~Nate Aaron Gavin Keith Graham=Graeme Barry Trevor
Colin Alan=Allan,Allen Brian=Bryan Terence~Terry Raymond~Ray Kenneth~Ken,Kenny
""")

BRITISH_WOMEN = parse("""
Sarah=Sara Emma Laura Rebecca~Becky,Becca Gemma Claire=Clare Rachel Lisa Kelly Nicola~Nicky,Nikki
Amy=Aimee Jennifer~Jen,Jenny Samantha~Sam,Sammy Michelle Joanne=Joanna~Jo Victoria~Vicky,Tori
Stacey=Stacy Hayley=Haley,Hailey Charlotte~Charlie,Lottie Jessica~Jess Lauren Natalie~Nat
Danielle~Dani Katherine=Catherine,Kathryn~Kate,Katie,Cath Elizabeth~Liz,Beth,Lizzie Louise~Lou
Kirsty=Kirstie Leanne=Leann,Lianne Jade Chloe Sophie=Sophy Stephanie~Steph Zoe=Zoë
Amanda~Mandy Helen Karen Susan~Sue Donna Tracey=Tracy Julie Deborah=Debra~Debbie Angela~Angie
Kayleigh=Kayley,Kaylee Abigail~Abi,Abbie Hannah=Hanna Megan=Meghan Bethany~Beth Carly=Carley
Jodie=Jody Kerry=Kerrie Natasha~Tash Amber Georgia Holly Shannon Emily~Em Rosie Ellie=Elly
Alice Lucy Paige Demi Courtney Jasmine=Jasmin
""")

BRITISH_BOYS = parse("""
Oliver~Ollie Noah George Harry Leo Arthur Oscar Theodore~Theo Freddie=Freddy Jack
Charlie Alfie Jacob~Jake Thomas~Tom,Tommy Henry Archie Joshua~Josh
Isaac Lucas James~Jamie Ethan Finley=Finlay Logan Max Tommy Reggie Teddy Albie Ronnie
Louie=Louis Frankie Harrison Mason Riley=Reilly Jaxon=Jaxson,Jackson Tyler Kai=Kye Dylan
Alexander~Alex William~Will,Billy Samuel~Sam Edward~Ed,Eddie,Teddy Benjamin~Ben Hugo Elijah
""")

BRITISH_GIRLS = parse("""
Olivia~Liv,Livvy Amelia~Millie Isla Ava=Eva Ivy Freya Lily=Lilly,Lillie Florence~Flo
Mia Willow Rosie Sophia=Sofia Isabella~Bella Grace Evie=Evey Elsie Poppy Sienna Ella
Harper Daisy Emily~Em Phoebe Matilda~Tilly Millie=Milly Ruby Maisie=Maisy Layla=Leila
Esme Hallie Bonnie Eliza Erin Chloe Lola Ellie=Elly Scarlett=Scarlet Isabelle=Isobel~Izzy
Charlotte~Lottie Jessica~Jess Hannah Lucy Holly Molly=Mollie Darcie=Darcey,Darcy
""")

BRITISH_SURNAMES = parse("""
Smith Jones Taylor Brown Williams Wilson Johnson Davies=Davis Robinson Wright
Thompson=Thomson,Tompson Evans Walker White Roberts Green=Greene Hall Wood Jackson
Clarke=Clark Hughes Edwards Turner Hill Harris Lewis=Louis Martin Cooper Ward Morris
Moore Lee=Leigh King Baker Harrison Morgan Allen=Allan,Allin James Scott Phillips=Philips
Watson Parker Price Bennett=Bennet Young Griffiths=Griffith Mitchell Cook=Cooke Carter
Richardson Bailey=Baily,Bayley Collins Bell Shaw Murphy Miller Cox Richards Marshall
Stevens=Stephens Simpson Ellis Wilkinson Chapman Anderson Matthews=Mathews Gray=Grey
Stevenson=Stephenson Fletcher Holmes Atkinson Pearson Reid=Reed,Read Hunt Lloyd=Loyd
Mason Kelly Palmer Webb Rogers=Rodgers Barker Hudson Mills Payne=Paine Rose
Dixon Foster Russell Knight Jenkins Butler Barnes Fisher Henderson Ross Powell=Powel
McDonald=MacDonald,Mcdonald,Mc_Donald Newton Saunders=Sanders Hargreaves Sutcliffe Whitehead
Ashworth Pickering Broadbent Holroyd Crowther Wainwright Lockwood Thornton Hirst=Hurst
""")

# ---- South Asian (Pakistani, Bangladeshi, Indian: Muslim, Sikh and Hindu naming) -----------

SOUTH_ASIAN_MUSLIM_MEN = parse("""
Mohammed=Muhammad,Mohammad,Mohamed,Muhammed,Mohamad,Mohammod~Mo Ali Ahmed=Ahmad,Ahmet
Hassan=Hasan Hussain=Hussein,Husain,Hossain Imran Usman=Osman,Uthman Bilal Hamza=Hamzah
Adnan Zain=Zayn,Zane Ibrahim=Ebrahim Yusuf=Yousuf,Yousaf,Yusef,Yousef Abdul=Abdool
Abdullah=Abdulla Rizwan=Rizvan Tariq=Tarik,Tareq Shahid=Shahed Asif=Aasif Arif=Aarif
Faisal=Faysal,Feisal Amir=Aamir,Ameer Kamran Nadeem=Nadim Naveed=Navid Waqas Zubair=Zubayr
Anwar=Anwer Jamal=Jamaal Rahim=Raheem Shahidul=Shohidul Mizanur=Mizan Abdur=Abdul
Saiful=Shaiful Rashid=Rasheed Junaid=Junayd Haroon=Harun,Haroun Suleman=Sulaiman,Suleiman
Umar=Omar Idris=Idrees Ismail=Ismael,Esmail Khalid=Khaled Sajid=Sajjad Zahid=Zahed
""")

SOUTH_ASIAN_MUSLIM_WOMEN = parse("""
Fatima=Fatimah,Fatema,Fatma Ayesha=Aisha,Aysha,Ayesa,Aishah Khadija=Khadijah,Kadija
Maryam=Mariam,Mariyam,Maryum Zainab=Zaynab,Zaineb Amina=Aminah,Ameena Sana=Sanaa Nadia=Nadiya
Saima=Saimah Shabana=Shabnam Rukhsana=Ruksana,Rukshana Nasreen=Nasrin,Nasrine Samina=Sameena
Farzana=Farzanah Shazia=Shaziya Hina=Heena Nusrat=Nushrat Taslima=Taslema Rehana=Rihana,Raihana
Sadia=Sadiya Sumaiya=Sumaya,Sumayyah Iqra=Ikra Hafsa=Hafsah Asma=Asmaa Rabia=Rabiya
Shamima=Shamema Halima=Halimah Yasmin=Yasmeen,Yasmine Nazia=Naziya Amna=Aamna Bushra
""")

SOUTH_ASIAN_SIKH_HINDU_MEN = parse("""
Harpreet=Harprit Gurpreet=Gurprit Jaspal Manpreet Sukhdev=Sukhdeep Jasvinder=Jaswinder
Amrik Kuldeep=Kuldip Rajinder=Rajindar Baljit=Baljeet Arjun Rahul Vikram~Vik Raj Ravi
Sanjay Amit Rohit Nikhil~Nik Vijay Anil Sunil Deepak=Dipak Ashok Kiran Pradeep=Pradip
Rajesh~Raj Mukesh Suresh
""")

SOUTH_ASIAN_SIKH_HINDU_WOMEN = parse("""
Harpreet=Harprit Gurpreet=Gurprit Manpreet Jaspreet=Jasprit Simran Manjit=Manjeet
Kulwinder=Kulvinder Rajwinder Amandeep=Amandip Navdeep=Navdip Priya Anjali Sunita Pooja=Puja
Neha Kavita=Kavitha Nisha Divya Shreya Meera=Mira Asha Rupinder Parminder Sukhjit Kiran
Reena=Rina Seema=Sima
""")

SOUTH_ASIAN_MUSLIM_SURNAMES = parse("""
Khan Ahmed=Ahmad Hussain=Hussein,Husain,Hossain Ali Iqbal=Ikbal Akhtar=Akhter,Aktar
Rahman=Rehman,Raman Chowdhury=Choudhury,Chaudhry,Chaudhary,Choudhary,Chowdhry Islam Uddin=Udin
Miah=Mia,Meah,Miya Malik=Mallick Mahmood=Mahmud,Mehmood,Mahmoud Butt Shah Qureshi=Kureshi
Siddiqui=Siddiqi,Sidiqui Raza Javed=Javaid,Javid Aslam Rashid=Rasheed Hassan=Hasan
Sheikh=Shaikh,Shaykh Mirza Anwar Haque=Hoque,Huq,Haq Karim=Kareem Begum Bibi Nawaz Saleem=Salim
Akram Riaz=Riyaz Younis=Yunus,Younas
""")

SOUTH_ASIAN_SIKH_HINDU_SURNAMES = parse("""
Patel Singh Kaur Sharma Kumar Gill Sandhu Sidhu Dhillon Bains Mistry Parmar Shah
Chauhan Johal Sahota Virdi Bhatti Grewal Sohal Thind Rai Mann Lal Joshi Mehta Desai
Solanki Rana
""")

# ---- Polish -----------------------------------------------------------------------------------

POLISH_MEN = parse("""
Piotr~Peter Krzysztof=Krzystof,Kryzsztof~Chris,Krzys Tomasz~Tomek,Tom Paweł=Pawel~Paul
Michał=Michal~Michael,Mike Łukasz=Lukasz~Luke Marcin Jakub~Kuba,Jacob Mateusz~Matt
Wojciech=Wojceich~Wojtek,Voytek Grzegorz=Gregorz~Greg,Grzesiek Kamil Adam Dawid~David
Szymon~Simon Bartosz~Bartek Rafał=Rafal Przemysław=Przemyslaw~Przemek Mariusz
Dariusz~Darek Sławomir=Slawomir~Slawek Robert~Rob Daniel Andrzej~Andrew Jan~John
Artur=Arthur Sebastian Patryk=Patrick Damian Karol Maciej~Maciek Radosław=Radoslaw~Radek
""")

POLISH_WOMEN = parse("""
Anna~Ania,Anne Katarzyna=Katazyna~Kasia,Kate Małgorzata=Malgorzata~Gosia,Margaret
Agnieszka=Agnieska~Aga,Agnes Magdalena~Magda Joanna~Asia,Jo Aleksandra=Alexandra~Ola,Alex
Monika=Monica Marta Ewa~Eva Justyna=Justina Karolina=Caroline Natalia Dorota
Beata Paulina Zuzanna~Zuzia,Susan Weronika=Veronika Izabela=Isabela~Iza Sylwia=Sylvia
Kinga Emilia Julia Maja=Maya Oliwia=Olivia Barbara~Basia Renata Edyta=Edita
""")

POLISH_SURNAMES = parse("""
Nowak Kowalski Wiśniewski=Wisniewski,Wisnewski Wójcik=Wojcik Kowalczyk Kamiński=Kaminski
Lewandowski Zieliński=Zielinski Szymański=Szymanski Woźniak=Wozniak Dąbrowski=Dabrowski
Kozłowski=Kozlowski Jankowski Mazur Krawczyk=Krawczik Piotrowski Grabowski
Pawłowski=Pawlowski Michalski Nowakowski Wieczorek Jabłoński=Jablonski Król=Krol Majewski
Olszewski Stępień=Stepien Jaworski Malinowski Górski=Gorski Rutkowski Sikora Walczak Baran
Szczepański=Szczepanski,Sczepanski Wróbel=Wrobel Zając=Zajac Pietrzak Kaczmarek
""")

# ---- Romanian ---------------------------------------------------------------------------------

ROMANIAN_MEN = parse("""
Ion=Ioan~John Andrei=Andrey Alexandru~Alex Mihai=Mihail~Michael Gheorghe=Gheorghi,Gheorge~George
Constantin~Costel,Costi Florin Marian Ionuț=Ionut,Ionutz Ștefan=Stefan,Ştefan Cristian~Cristi
Adrian Daniel~Dani Bogdan Vasile=Vasilica Nicolae=Nicolai~Nicu,Nick Gabriel~Gabi
Cătălin=Catalin Răzvan=Razvan Marius Sorin Ciprian Viorel Dumitru=Dimitru~Dima Petru=Petre
Valentin~Vali Cosmin Emil Iulian=Julian Lucian Ovidiu Radu Robert Sebastian
""")

ROMANIAN_WOMEN = parse("""
Maria Elena Ioana=Yoana~Joanna Andreea=Andreia,Andrea Mihaela Ana Alexandra~Alex Cristina
Gabriela~Gabi Florentina~Florina Nicoleta Roxana Alina Simona Daniela Georgiana
Ionela=Yonela Mădălina=Madalina Bianca Larisa=Larissa Claudia Denisa Diana Raluca Oana
Ramona Camelia Luminița=Luminita Violeta Adriana Loredana Anca
""")

ROMANIAN_SURNAMES = parse("""
Popescu Ionescu=Ionesco Popa Pop Radu Dumitru=Dumitriu Stan Stoica Gheorghe=Gheorghi
Matei Ciobanu Constantin Rusu Munteanu Lungu Moldovan Dinu Ene Mocanu Florea Marin Ilie
Tudor Crăciun=Craciun Barbu Nistor Sandu Chirilă=Chirila Lazăr=Lazar Ungureanu
Ștefănescu=Stefanescu Țurcanu=Turcanu,Ţurcanu Oprea Manole Bălan=Balan Preda Voicu Dobre
Nedelcu Lupu Zamfir Anghel Neagu
""")

# ---- Irish ------------------------------------------------------------------------------------

IRISH_MEN = parse("""
Seán=Sean,Shaun,Shawn Pádraig=Padraig,Patrick~Paddy,Pat Ciarán=Ciaran,Kieran,Kieron
Eoin=Owen Niall=Neil Cian=Kian Oisín=Oisin,Osheen Darragh=Dara Conor=Connor,Conner Liam
Declan Cathal=Cahal Colm=Colum Diarmuid=Dermot,Diarmaid Ruairí=Ruairi,Rory,Ruari
Tadhg=Teague Dónal=Donal,Donall Fergal Brendan Michael~Mick,Mickey John~Johnny,Sean
Patrick~Paddy,Pat Martin Thomas~Tommy James~Jimmy Kevin Aidan=Aiden Ronan Cormac
Enda Eamon=Eamonn,Éamon Séamus=Seamus,Shamus
""")

IRISH_WOMEN = parse("""
Siobhán=Siobhan,Shivon,Shevaun,Chevonne Niamh=Neve,Neave,Neeve Aoife=Eefa,Eefah
Caoimhe=Keeva,Keeveh Saoirse=Sersha,Seersha Róisín=Roisin,Rosheen Sinéad=Sinead,Shinead
Gráinne=Grainne,Grania Orla=Orlagh Aisling=Ashling,Aislinn Clodagh Ciara=Kiara,Keira
Máiréad=Mairead,Mared Bridget=Brigid~Bridie Deirdre Eimear=Emer Méabh=Maeve,Meave
Mary Margaret~Maggie,Peggy Catherine=Kathleen~Kate,Kathy Ann=Anne Bernadette~Bernie
Úna=Una,Oona Nuala=Noola Fionnuala=Finola,Fenella Ailbhe=Alva Dearbhla=Dervla
""")

IRISH_SURNAMES = parse("""
Murphy Kelly=O'Kelly O'Sullivan=Sullivan,O_Sullivan,OSullivan Walsh=Welsh,Walshe
O'Brien=OBrien,O_Brien,O'Bryan Byrne=Byrnes,O'Byrne Ryan O'Connor=OConnor,O_Connor,Connor
O'Neill=O'Neil,ONeill Reilly=O'Reilly,Riley Doyle McCarthy=MacCarthy,Mc_Carthy,Mccarthy
Gallagher=Gallacher Doherty=Dougherty,O'Doherty Kennedy Lynch Murray Quinn Moore
McLaughlin=McLoughlin,Mclaughlin Carroll=O'Carroll Connolly=Conolly Daly=Daley Brennan
Burke=Bourke Fitzgerald=FitzGerald,Fitz-Gerald McDonagh=McDonough,Mcdonagh Ward
Maguire=McGuire,MacGuire Keane=Kane Nolan Flynn=Flinn Joyce Connors Maughan=Maughn
Mulligan Mahony=Mahoney,O'Mahony Dunne=Dunn Boyle Kavanagh=Cavanagh Hegarty
""")

# ---- Caribbean (Jamaican and other Caribbean families in England) ----------------------------

CARIBBEAN_MEN = parse("""
Marcus Jermaine=Germaine Andre=André Dwayne=Duane,Dwain Tyrone Leon Delroy Winston Errol
Clive Trevor Wayne Carlton Lloyd Devon Kareem=Karim Jamal=Jamaal Tyrese=Tyreese
Kemar Shaquille=Shaquile~Shaq Courtney Desmond~Des Everton Lascelles Neville Rohan
Junior Kevin Kadeem Dante Jahmal=Jamal Ricardo Rasheed=Rashid Nathaniel~Nate Isaiah
Joel Reuben=Ruben Omari
""")

CARIBBEAN_WOMEN = parse("""
Shanice=Shaniece,Chanice Tanisha=Tanesha Keisha=Keesha,Kesha Latoya=LaToya,La-Toya
Marcia=Marsha Jasmine=Jasmin Aaliyah=Aliyah,Aleah Naomi Simone Charmaine=Sharmaine
Beverley=Beverly~Bev Yvonne Paulette Sonia=Sonya Donna Janelle=Janel Shantelle=Chantelle,Shontelle
Kadeisha=Kadisha Monique Tiana=Tianna Renee=Renée Sharon Patrice Nadine Danielle Chantal
Kerry-Ann=Kerryann,Kerri-Anne Tamara Alisha=Alicia
""")

CARIBBEAN_SURNAMES = parse("""
Campbell Brown Williams Thomas Francis Grant Henry Clarke=Clark James Edwards Reid=Read,Reed
Wright Stewart=Stuart Johnson Morgan Bailey Gordon Lewis Samuels=Samuel Richards Robinson
Powell Ellis Forbes Wilson McKenzie=MacKenzie,Mckenzie Lindo Bennett Joseph Dixon Graham
Gayle=Gail Matthews=Mathews Beckford McFarlane=MacFarlane,Mcfarlane Walters Palmer Spencer
Hamilton Ricketts Blackwood Barrett Chambers Gilbert Facey Morrison Atkinson Thompson
""")

# ---- what the generator draws from -----------------------------------------------------------


@dataclass(frozen=True)
class Tradition:
    """The names of one naming tradition. `label` is the breakdown it is reported under."""

    label: str
    men: Names
    women: Names
    surnames: Names
    boys: Names  # children's names (British children's names are not their parents')
    girls: Names

    def forenames(self, sex: str, child: bool = False) -> Names:
        if child:
            return self.boys if sex == "male" else self.girls
        return self.men if sex == "male" else self.women


def _tradition(
    label: str,
    men: tuple[Name, ...],
    women: tuple[Name, ...],
    surnames: tuple[Name, ...],
    boys: tuple[Name, ...] | None = None,
    girls: tuple[Name, ...] | None = None,
) -> Tradition:
    return Tradition(
        label, Names(men), Names(women), Names(surnames), Names(boys or men), Names(girls or women)
    )


TRADITIONS: dict[str, Tradition] = {
    "british": _tradition(
        "british", BRITISH_MEN, BRITISH_WOMEN, BRITISH_SURNAMES, BRITISH_BOYS, BRITISH_GIRLS
    ),
    "muslim": _tradition(
        "south asian", SOUTH_ASIAN_MUSLIM_MEN, SOUTH_ASIAN_MUSLIM_WOMEN, SOUTH_ASIAN_MUSLIM_SURNAMES
    ),
    "sikh or hindu": _tradition(
        "south asian",
        SOUTH_ASIAN_SIKH_HINDU_MEN,
        SOUTH_ASIAN_SIKH_HINDU_WOMEN,
        SOUTH_ASIAN_SIKH_HINDU_SURNAMES,
    ),
    "polish": _tradition("polish", POLISH_MEN, POLISH_WOMEN, POLISH_SURNAMES),
    "romanian": _tradition("romanian", ROMANIAN_MEN, ROMANIAN_WOMEN, ROMANIAN_SURNAMES),
    "irish": _tradition("irish", IRISH_MEN, IRISH_WOMEN, IRISH_SURNAMES),
    "caribbean": _tradition("caribbean", CARIBBEAN_MEN, CARIBBEAN_WOMEN, CARIBBEAN_SURNAMES),
}
# Mothers and background adults by naming tradition, in 100: plausible for English cities with
# large South Asian, Polish, Romanian, Irish and Caribbean communities (rounded, illustrative;
# England as a whole is more British than this).
TRADITION_WEIGHTS: dict[str, int] = {
    "british": 60,
    "muslim": 10,
    "sikh or hindu": 5,
    "polish": 7,
    "romanian": 5,
    "irish": 6,
    "caribbean": 7,
}
LABELS = ("british", "south asian", "polish", "romanian", "irish", "caribbean")

# Surnames that are not family names: a Sikh man is Singh and a woman Kaur, with or without the
# family name; many Bangladeshi and Pakistani women are Begum or Bibi rather than the family name.
SIKH_NAMES = {"male": "Singh", "female": "Kaur"}
MUSLIM_WOMEN_NAMES = ("Begum", "Bibi")

# Twins are often given names that go together.
TWIN_NAMES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("male", "male"): (
        ("Jack", "Jake"),
        ("Harry", "Henry"),
        ("Alfie", "Archie"),
        ("Freddie", "Frankie"),
        ("Adam", "Aaron"),
        ("Hassan", "Hussain"),
        ("Leo", "Luca"),
        ("Noah", "Nathan"),
        ("Lucas", "Luke"),
    ),
    ("female", "female"): (
        ("Lily", "Lola"),
        ("Ella", "Emma"),
        ("Mia", "Maya"),
        ("Ruby", "Rosie"),
        ("Isla", "Ivy"),
        ("Evie", "Ellie"),
        ("Ayesha", "Amina"),
        ("Aaliyah", "Amaya"),
    ),
    ("male", "female"): (
        ("Oliver", "Olivia"),
        ("Zain", "Zara"),
        ("Louis", "Louise"),
        ("Daniel", "Danielle"),
        ("Jacob", "Jasmine"),
    ),
}
