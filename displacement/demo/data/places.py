"""Demo places: the real OCHA P-codes the hand-written records refer to, by key.

Each P-code is listed with its English name in the gazetteer; the seeder checks that the
gazetteer agrees, so that a typo cannot misplace anyone.
"""

# --- Places: key -> (P-code, English name in the gazetteer) ------------------------------

PLACES = {
    # Donetska (UA14)
    "pokrovsk": ("UA1416021", "Pokrovska"),
    "myrnohrad": ("UA1416015", "Myrnohradska"),
    "dobropillia": ("UA1416007", "Dobropilska"),
    "kostiantynivka": ("UA1412007", "Kostiantynivska"),
    "druzhkivka": ("UA1412003", "Druzhkivska"),
    # Dnipropetrovska (UA12): frontline hromadas and destinations
    "velykomykhailivka": ("UA1214005", "Velykomykhailivska"),
    "mezhova": ("UA1214015", "Mezhivska"),
    "pokrovske": ("UA1214025", "Pokrovska"),
    "nikopol": ("UA1208005", "Nikopolska"),
    "pavlohrad": ("UA1212007", "Pavlohradska"),
    "dnipro": ("UA1202001", "Dniprovska"),
    # Kharkivska (UA63)
    "kupiansk": ("UA6308009", "Kupianska"),
    "kharkiv": ("UA6312027", "Kharkivska"),
    # Zaporizka (UA23)
    "orikhiv": ("UA2310017", "Orikhivska"),
    "zaporizhzhia": ("UA2306007", "Zaporizka"),
    # Sumska (UA59)
    "bilopillia": ("UA5908003", "Bilopilska"),
    "sumy": ("UA5908027", "Sumska"),
    # Khersonska (UA65)
    "kherson": ("UA6510015", "Khersonska"),
    # Safer destinations
    "kyiv": ("UA8000000", "Kyiv"),
    "lviv": ("UA4606025", "Lvivska"),
    "vinnytsia": ("UA0502003", "Vinnytska"),
    "poltava": ("UA5308037", "Poltavska"),
    "ivano_frankivsk": ("UA2604019", "Ivano-Frankivska"),
    "odesa": ("UA5110027", "Odeska"),
}
