"""Words copy may use without the product's text holding them: they connect, invite or
praise, and state nothing a shopper could find false about the product.

A content word (noun, adjective, verb, adverb) outside this list and outside the
product's own text is a claim the gate cannot verify. The list is short on purpose:
every word added here is a word the generator may use freely, so a property word
("soft", "durable", "waterproof") never belongs here. Chosen by reading the `tune`
split of `bench/data/copy_gate` (the blocked `ok` items), never the `untuned` one.
"""

from __future__ import annotations

CONNECTING = frozenset("""
look looks style styles styling day days everyday time times moment way ways thing things
piece pieces pick picks choice choices option options item items product products range
collection addition essential essentials staple staples must must-have go-to favourite
favorite favourites favorites fan fans lover lovers need needs want wants taste tastes
wardrobe outfit outfits occasion occasions moment moments life lifestyle routine routines
shop store cart basket today tonight now week weekend year gift gifts treat
detail details touch design designs part
people everyone anyone someone you yours yourself kind sort lot lots bit
great good perfect ideal lovely nice wonderful fantastic beautiful gorgeous stunning
stylish chic classy cool fun simple ready right own real sure happy special
new little whole same other another different many much more most few several such certain
everyday daily trendy elegant
get gets meet meets say says discover discovers find finds shop shops grab grabs choose
chooses pick love loves enjoy enjoys make makes keep keeps go goes come comes bring
brings give gives add adds need want take takes wear wears carry carries pair pairs team
teams style look see try tries stay stays let lets step steps update updates refresh
complete completes elevate elevates upgrade upgrades buy buys order orders own owns use
uses suit suits match matches help helps put puts show shows turn turns check checks
explore explores browse welcome welcomes add know knows think thinks feel feels deserve
deserves like likes treat yourself introduce introducing presenting meet say hello ready set
just now today also always here there so too very really even still more most well
right up out away back together ever never only simply truly absolutely definitely
perfectly beautifully
""".split())

# Number words, as claims: "four wheels" must be a number the product's text holds.
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "thousand": 1000,
    "double": 2, "dual": 2, "twin": 2, "triple": 3, "single": 1,
}
