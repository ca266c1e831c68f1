"""Words the demo's generated volume is written in (``displacement.demo.generated``): the
synthetic generator draws the records, these phrase their summaries and narratives.
"""

#: Testimony summaries; {place} is the hromada's English name.
GEN_SUMMARIES = [
    "Household left {place} hromada after strikes on the neighbourhood.",
    "Family describes shelling of their street in {place} hromada and the journey out.",
    "Account of an evacuation from {place} hromada under drone threat.",
    "Older resident of {place} hromada describes leaving with neighbours.",
    "Mother describes leaving {place} hromada with the children after attacks nearby.",
]

#: First-person narratives: {place} is the English name, {place_uk} the Ukrainian one.
GEN_NARRATIVES_UK = [
    "Ми жили в {place_uk} громаді до останнього. Коли почали бити по будинках, забрали дітей "
    "і виїхали з тим, що могли донести.",
    "Світла не було тижнями, вода — тільки з колодязя. Після удару по сусідній вулиці ми "
    "зрозуміли, що чекати більше не можна.",
    "Дорогою нас супроводжував гул дронів. Водій вимкнув фари, і ми їхали майже навпомацки.",
    "Я не хотіла їхати, бо там могили батьків. Але онуки плакали щоночі в підвалі.",
    "Нам сказали, що фронт далеко. А за тиждень снаряд влучив у школу.",
]
GEN_NARRATIVES_EN = [
    "We stayed in {place} hromada as long as we could. When the strikes reached our street we "
    "took the children and left with what we could carry.",
    "There was no power for weeks and water only from the well. After the next street was hit "
    "we knew we could not wait any longer.",
    "Drones followed the road all the way. The driver switched off the lights and we drove almost blind.",
    "I did not want to leave my parents' graves. But the grandchildren cried every night in the basement.",
]
