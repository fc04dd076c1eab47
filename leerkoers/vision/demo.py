"""Demo data of step 2: a closed vision round in `demo` with Dutch statements rated by every
layer — broad support on some, a split between board and employees on others, one statement
that HR seeded — and a vision text in two versions, the second endorsed and approved."""

import hashlib
import random
import secrets
from datetime import timedelta

from django.utils import timezone

from leerkoers.orgs.models import Membership, Role
from leerkoers.scan.models import Layer
from leerkoers.vision.models import (
    VisionAnswer,
    VisionApproval,
    VisionEndorsement,
    VisionParticipant,
    VisionQuestion,
    VisionRating,
    VisionRound,
    VisionStatement,
    VisionVersion,
)
from leerkoers.vision.services import DEFAULT_QUESTIONS

TITLE = "Visie op leren 2026"
# Two opinion groups run across the layers: one that sees learning as part of the daily work
# (most employees), one that steers it by strategy and measurement (most of the board).
# (statement, chance of agreeing in the first group, in the second)
STATEMENTS = [
    ("Leren hoort bij het werk, niet ernaast.", (0.97, 0.95)),
    ("Iedereen mag zelf kiezen hoe hij of zij zich ontwikkelt.", (0.97, 0.9)),
    ("Leidinggevenden bespreken ontwikkeling minstens twee keer per jaar.", (0.95, 0.97)),
    ("We leren van fouten zonder een schuldige te zoeken.", (0.97, 0.95)),
    ("Elke training moet bijdragen aan een strategisch doel.", (0.05, 0.95)),
    ("Leertijd gaat voor productie, ook in drukke weken.", (0.95, 0.05)),
    ("Verplichte e-learnings zijn de beste manier om kennis te borgen.", (0.05, 0.9)),
    ("Collega's leren het meest van elkaar op de werkvloer.", (0.97, 0.4)),
    ("Het opleidingsbudget wordt per team verdeeld.", (0.75, 0.25)),
    ("HR bepaalt welke opleidingen we aanbieden.", (0.05, 0.75)),
    ("We meten na elke opleiding of het werk er beter van wordt.", (0.25, 0.95)),
    ("Nieuwe collega's krijgen een vast maatje voor het eerste halfjaar.", (0.97, 0.95)),
]
# Share of each layer in the second (steering) group.
STEERING_SHARE = {Layer.BOARD: 0.85, Layer.MANAGERS: 0.5, Layer.EMPLOYEES: 0.15, Layer.HR: 0.5}
SEEDED = "Leren is een gedeelde verantwoordelijkheid van medewerker, leidinggevende en HR."
ANSWERS = [
    "Dat we met onze klanten mee kunnen groeien en vakmensen blijven.",
    "Ruimte om te leren in werktijd, en dat leidinggevenden dat steunen.",
    "Minder losse cursussen, meer leren van elkaar.",
    "Dat leren zichtbaar bijdraagt aan wat we als organisatie willen bereiken.",
    "Een cultuur waarin je vragen mag stellen en fouten mag maken.",
]
VERSION_1 = (
    "Leren hoort bij het werk. Iedereen kiest zelf hoe hij of zij zich ontwikkelt, "
    "en elke opleiding draagt bij aan een strategisch doel."
)
VERSION_2 = (
    "Leren hoort bij het werk, niet ernaast. Iedereen kiest zelf hoe hij of zij zich ontwikkelt; "
    "leidinggevenden bespreken die ontwikkeling minstens twee keer per jaar.\n\n"
    "We leren van fouten zonder een schuldige te zoeken, en collega's leren vooral van elkaar op de werkvloer."
)


def _hash() -> str:
    return hashlib.sha256(secrets.token_bytes(16)).hexdigest()


def seed(*, demo, other, small: bool) -> None:
    if VisionRound.objects.filter(organization=demo, title=TITLE).exists():
        return
    rng = random.Random(13)
    admin = Membership.objects.filter(organization=demo, role=Role.ADMIN).select_related("user").first()
    director = Membership.objects.filter(organization=demo, role=Role.DIRECTOR).select_related("user").first()
    vision_round = VisionRound.objects.create(
        organization=demo,
        title=TITLE,
        closes_on=timezone.localdate() - timedelta(days=20),
        status=VisionRound.Status.CLOSED,
        closed_at=timezone.now() - timedelta(days=20),
        opened_by=admin.user if admin else None,
    )
    questions = VisionQuestion.objects.bulk_create(
        VisionQuestion(organization=demo, round=vision_round, position=n, text=str(text))
        for n, text in enumerate(DEFAULT_QUESTIONS, start=1)
    )
    sizes = {Layer.BOARD: 5, Layer.MANAGERS: 5, Layer.EMPLOYEES: 7, Layer.HR: 5}
    if not small:
        sizes = {Layer.BOARD: 6, Layer.MANAGERS: 12, Layer.EMPLOYEES: 36, Layer.HR: 6}
    participants = VisionParticipant.objects.bulk_create(
        VisionParticipant(organization=demo, round=vision_round, layer=layer, token_hash=_hash(), verified=True)
        for layer, n in sizes.items()
        for _ in range(n)
    )
    statements = VisionStatement.objects.bulk_create(
        VisionStatement(
            organization=demo,
            round=vision_round,
            text=text,
            author=participants[rng.randrange(len(participants))],
        )
        for text, _chances in STATEMENTS
    )
    statements.append(VisionStatement.objects.create(organization=demo, round=vision_round, text=SEEDED, seeded=True))
    chances = [c for _t, c in STATEMENTS] + [(0.9, 0.9)]
    position = {}
    camp = {}
    for participant in participants:
        n = position[participant.layer] = position.get(participant.layer, 0) + 1
        camp[participant.pk] = 1 if n <= round(STEERING_SHARE[participant.layer] * sizes[participant.layer]) else 0
    ratings = []
    for statement, chance in zip(statements, chances, strict=True):
        for participant in participants:
            if participant.pk == statement.author_id:
                continue
            p = chance[camp[participant.pk]]
            roll = rng.random()
            vote = 0 if roll > 0.97 else (1 if rng.random() < p else -1)
            ratings.append(
                VisionRating(
                    organization=demo,
                    round=vision_round,
                    statement=statement,
                    participant=participant,
                    layer=participant.layer,
                    vote=vote,
                    verified=participant.verified,
                )
            )
    VisionRating.objects.bulk_create(ratings)
    VisionAnswer.objects.bulk_create(
        VisionAnswer(
            organization=demo,
            round=vision_round,
            question=questions[n % len(questions)],
            participant=participant,
            layer=participant.layer,
            text=ANSWERS[n % len(ANSWERS)],
        )
        for n, participant in enumerate(participants)
    )
    actor = admin.user if admin else None
    VisionVersion.objects.create(organization=demo, round=vision_round, number=1, text=VERSION_1, created_by=actor)
    second = VisionVersion.objects.create(
        organization=demo, round=vision_round, number=2, text=VERSION_2, created_by=actor, endorsement_open=True
    )
    vision_round.draft = VERSION_2
    vision_round.save(update_fields=["draft"])
    levels = {Layer.BOARD: (5, 5, 4), Layer.MANAGERS: (5, 4, 4, 3), Layer.EMPLOYEES: (5, 4, 4, 3, 2), Layer.HR: (5, 4)}
    comments = ["Graag concreter over leertijd.", "Mooi, maar wie bewaakt dit?", ""]
    VisionEndorsement.objects.bulk_create(
        VisionEndorsement(
            organization=demo,
            version=second,
            participant=participant,
            layer=participant.layer,
            support=rng.choice(levels[participant.layer]),
            comment=rng.choice(comments),
        )
        for participant in participants
    )
    if director is not None:
        VisionApproval.objects.create(organization=demo, version=second, approved_by=director.user)
