"""A seeded synthetic Partnership Registry: offers and needs over a few countries' regions."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from matching.engine import NeedInput, NeedItemInput, OfferInput, Problem

SIZES = {"S": (500, 2_500), "M": (2_000, 10_000), "L": (10_000, 50_000), "XL": (20_000, 100_000)}
COUNTRIES = ("KE", "UG", "TZ", "RW", "ET", "GH")
SUBDIVISIONS_PER_COUNTRY = 50
# category: (kind, median quantity of a need item, log-normal sigma, unit word)
CATEGORIES = {
    "grant": ("financial", 40_000.0, 1.0, "funding"),
    "trainer-days": ("human", 30.0, 0.8, "trainers"),
    "software-engineer-days": ("human", 40.0, 0.8, "engineers"),
    "accessibility-expert-days": ("human", 15.0, 0.7, "accessibility experts"),
    "public-servant-training-days": ("human", 50.0, 0.8, "civil service training"),
    "laptops": ("technical", 80.0, 0.9, "laptops"),
    "tablets": ("technical", 80.0, 0.9, "tablets"),
    "assistive-devices": ("technical", 40.0, 0.8, "assistive devices"),
    "connectivity-sites": ("technical", 8.0, 0.7, "connectivity"),
}
CATEGORY_SHARE = np.array([0.22, 0.12, 0.08, 0.06, 0.08, 0.16, 0.1, 0.08, 0.1])
KINDS = ("company", "ngo", "donor", "multilateral", "academia", "community", "government")
KIND_SHARE = np.array([0.3, 0.25, 0.15, 0.08, 0.1, 0.07, 0.05])
FOCUS = (
    "connectivity",
    "affordability",
    "devices",
    "digital-skills",
    "accessible-services",
    "online-safety",
    "local-content-and-languages",
    "digital-public-services",
    "public-sector-capacity",
)
GROUPS = (
    "persons-with-disabilities",
    "older-persons",
    "women-and-girls",
    "youth",
    "rural-communities",
    "indigenous-peoples",
    "migrants-and-refugees",
    "low-income-households",
)
RATES = {"USD": 1.0, "EUR": 0.92, "KES": 129.0, "UGX": 3700.0, "GBP": 0.79}
WORDS = (
    "schools",
    "clinics",
    "libraries",
    "youth centres",
    "women's groups",
    "farmers",
    "teachers",
    "local councils",
    "community radio",
    "health workers",
    "refugee settlements",
    "villages",
)
TODAY = date(2025, 1, 1)


def _labels(rng: np.random.Generator, pool: tuple[str, ...], most: int) -> frozenset[str]:
    count = int(rng.integers(1, most + 1))
    return frozenset(pool[i] for i in rng.choice(len(pool), size=count, replace=False))


def _text(rng: np.random.Generator, category: str, focus: frozenset[str], area: str) -> str:
    words = " and ".join(WORDS[i] for i in rng.choice(len(WORDS), size=2, replace=False))
    topics = ", ".join(sorted(label.replace("-", " ") for label in focus))
    return f"{CATEGORIES[category][3].capitalize()} for {words} in {area}: {topics}"


def generate(size: str = "S", supply: float = 0.8, seed: int = 1, scale: float = 1.0) -> Problem:
    """A problem of the named size whose offers hold `supply` times the demand of each category.

    scale shrinks (or grows) the size's counts of needs and offers alike (a quick smoke run)."""
    needs_count, offers_count = (max(1, round(count * scale)) for count in SIZES[size])
    rng = np.random.default_rng(seed)
    areas = [f"{c}-{i:02d}" for c in COUNTRIES for i in range(1, SUBDIVISIONS_PER_COUNTRY + 1)]
    popularity = 1.0 / np.arange(1, len(areas) + 1)  # Zipf over regions
    popularity = popularity[rng.permutation(len(areas))]
    popularity /= popularity.sum()
    categories = list(CATEGORIES)

    needs, demand = [], dict.fromkeys(categories, 0.0)
    government_orgs = max(1, needs_count // 20)
    for n in range(needs_count):
        area = areas[rng.choice(len(areas), p=popularity)]
        chosen = rng.choice(
            len(categories), size=int(rng.integers(1, 4)), replace=False, p=CATEGORY_SHARE
        )
        items = []
        for position, c in enumerate(sorted(chosen)):
            category = categories[c]
            _, median, sigma, _ = CATEGORIES[category]
            quantity = float(np.ceil(median * rng.lognormal(0.0, sigma)))
            demand[category] += quantity
            items.append(
                NeedItemInput(
                    id=(n + 1) * 10 + position,
                    category=category,
                    remaining=quantity,
                    currency="USD" if category == "grant" else None,
                )
            )
        focus = _labels(rng, FOCUS, 3)
        needs.append(
            NeedInput(
                id=n + 1,
                organization_id=1 + int(rng.integers(government_orgs)),
                area=area,
                priority=int(rng.choice(5, p=[0.15, 0.25, 0.3, 0.2, 0.1])) + 1,
                items=tuple(items),
                deadline=TODAY + timedelta(days=int(rng.integers(60, 720)))
                if rng.random() < 0.5
                else None,
                focus_areas=focus,
                vulnerable_groups=_labels(rng, GROUPS, 2),
                text=_text(rng, items[0].category, focus, area),
            )
        )

    offer_category = rng.choice(len(categories), size=offers_count, p=CATEGORY_SHARE)
    raw = np.empty(offers_count)
    for c, category in enumerate(categories):
        mine = offer_category == c
        raw[mine] = rng.lognormal(0.0, CATEGORIES[category][2], size=int(mine.sum()))
        total = raw[mine].sum()
        if total > 0:  # scale so that the category's supply is `supply` x its demand
            raw[mine] *= supply * demand[category] / total
    by_country = popularity.reshape(len(COUNTRIES), SUBDIVISIONS_PER_COUNTRY)
    country_popularity = by_country.sum(axis=1)
    within = by_country / country_popularity[:, None]
    organizations = max(1, offers_count // 10)
    org_kind = rng.choice(len(KINDS), size=organizations, p=KIND_SHARE)
    offers = []
    for o in range(offers_count):
        category = categories[offer_category[o]]
        org = int(rng.integers(organizations))
        roll = rng.random()
        if roll < 0.02:
            offer_areas = ("global",)
        elif roll < 0.10:
            offer_areas = (COUNTRIES[int(rng.integers(len(COUNTRIES)))],)
        else:
            # A local offer lists regions of one country (an organization's field offices).
            country = int(rng.choice(len(COUNTRIES), p=country_popularity))
            count = int(rng.integers(1, 11))
            picked = rng.choice(
                SUBDIVISIONS_PER_COUNTRY, size=count, replace=False, p=within[country]
            )
            offer_areas = tuple(
                sorted(areas[country * SUBDIVISIONS_PER_COUNTRY + i] for i in picked)
            )
        currency = None
        quantity = float(np.floor(raw[o])) if category != "grant" else round(float(raw[o]), 2)
        if category == "grant":
            currency = str(rng.choice(list(RATES), p=[0.6, 0.2, 0.1, 0.05, 0.05]))
            quantity = round(quantity * RATES[currency], 2)
        focus = _labels(rng, FOCUS, 3)
        offers.append(
            OfferInput(
                id=o + 1,
                organization_id=10_000 + org,
                organization_kind=KINDS[org_kind[org]],
                category=category,
                remaining=max(1.0, quantity),
                areas=offer_areas,
                currency=currency,
                focus_areas=focus,
                vulnerable_groups=_labels(rng, GROUPS, 3),
                available_from=TODAY + timedelta(days=int(rng.integers(0, 400)))
                if rng.random() < 0.1
                else None,
                min_allocation=max(1.0, float(np.floor(0.05 * quantity)))
                if rng.random() < 0.1
                else None,
                verified=bool(rng.random() < 0.5),
                track_record=int(rng.poisson(2.0)),
                text=_text(rng, category, focus, offer_areas[0]),
                organization_name=f"Organization {10_000 + org}",
            )
        )
    return Problem(
        offers=tuple(offers),
        needs=tuple(needs),
        usd_rates=dict(RATES),
        category_kinds={category: spec[0] for category, spec in CATEGORIES.items()},
    )
