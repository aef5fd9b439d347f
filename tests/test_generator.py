"""The generator writes the raw contract and plants what the pipeline must find."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from customer_intelligence.generate import ENTITIES, generate_dataset

END = pd.Timestamp("2025-12-31 23:59:59")
COLUMNS = {
    "customers": ["customer_id", "first_name", "last_name", "email", "birth_year", "gender",
                  "education", "marital_status", "income", "kids_at_home", "teens_at_home",
                  "signup_date", "country", "email_opt_in"],
    "products": ["product_id", "name", "category", "price"],
    "orders": ["order_id", "customer_id", "ordered_at", "channel", "status", "discount_used"],
    "order_items": ["order_id", "product_id", "quantity", "unit_price"],
    "campaigns": ["campaign_id", "campaign_name", "sent_at", "subject", "cost", "experiment_id",
                  "variant", "planned_share"],
    "email_events": ["event_id", "campaign_id", "customer_id", "email", "event_type", "event_at",
                     "link_type", "is_machine_open"],
    "web_sessions": ["session_id", "customer_id", "started_at", "pages_viewed", "traffic_source",
                     "device"],
    "subscriptions": ["subscription_event_id", "customer_id", "email", "event_type", "event_at"],
}  # fmt: skip
VALID_EMAIL = r"^[^@\s]+@[^@\s]+\.[a-z]+$"


def read(directory, entity):
    return pd.read_csv(directory / f"raw_{entity}.csv", dtype=str, keep_default_na=False)


def files(directory):
    return {p.relative_to(directory): p.read_bytes() for p in sorted(directory.rglob("*.*"))}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    generate_dataset(2000, seed=7, out_dir=out)
    return out


@pytest.fixture(scope="module")
def planted(sample):
    return json.loads((sample / "ground_truth" / "planted.json").read_text())


@pytest.fixture(scope="module")
def clean(sample):
    """The raw tables without planted dirt, the way a cleaning layer would leave them."""
    customers = read(sample, "customers").drop_duplicates("customer_id")
    orders = read(sample, "orders").drop_duplicates("order_id")
    orders["ordered_at"] = pd.to_datetime(
        orders["ordered_at"], format="%Y-%m-%d %H:%M:%S", errors="coerce"
    )
    orders = orders[
        (orders["ordered_at"] <= END) & orders["customer_id"].isin(customers["customer_id"])
    ]
    items = read(sample, "order_items").drop_duplicates()
    items = items.astype({"quantity": int, "unit_price": float})
    items = items[(items["quantity"] > 0) & (items["quantity"] < 100) & (items["unit_price"] > 0)]
    items = items[items["order_id"].isin(orders["order_id"])]
    return customers, orders, items


def test_same_arguments_give_byte_identical_files(tmp_path):
    generate_dataset(300, seed=3, out_dir=tmp_path / "a")
    generate_dataset(300, seed=3, out_dir=tmp_path / "b")
    assert files(tmp_path / "a") == files(tmp_path / "b")


def test_chunk_size_does_not_change_the_files(tmp_path):
    generate_dataset(300, seed=3, out_dir=tmp_path / "one")
    generate_dataset(300, seed=3, out_dir=tmp_path / "many", chunk_size=64)
    assert files(tmp_path / "one") == files(tmp_path / "many")


def test_machine_opens_change_no_other_row(tmp_path):
    # machine opens draw from streams of their own: without them every other row is as it was
    generate_dataset(300, seed=3, out_dir=tmp_path / "with", chunk_size=64)
    generate_dataset(300, seed=3, out_dir=tmp_path / "without", machine_open_share=0)
    without = read(tmp_path / "without", "email_events")
    assert (without["is_machine_open"] == "false").all()
    with_machine = read(tmp_path / "with", "email_events")
    machine = with_machine["is_machine_open"] == "true"
    assert machine.sum() > 0
    pd.testing.assert_frame_equal(with_machine[~machine].reset_index(drop=True), without)
    for entity in set(ENTITIES) - {"email_events"}:
        assert (
            files(tmp_path / "with")[Path(f"raw_{entity}.csv")]
            == files(tmp_path / "without")[Path(f"raw_{entity}.csv")]
        ), entity


def test_a_share_of_customers_machine_open_every_delivered_email_within_minutes(sample):
    events = read(sample, "email_events")
    machine = events[events["is_machine_open"] == "true"]
    assert not machine.duplicated().any() and machine["event_id"].str.len().min() >= 13
    events = events.drop_duplicates()
    events = events.assign(event_at=pd.to_datetime(events["event_at"]))
    recipient = ["campaign_id", "customer_id"]
    sent = events[events["event_type"] == "sent"].set_index(recipient)["event_at"]
    bounced = events[events["event_type"].str.endswith("bounce")].set_index(recipient).index
    delivered = sent[~sent.index.isin(bounced)]
    machine = events[events["is_machine_open"] == "true"].set_index(recipient)["event_at"]
    assert machine.index.is_unique and machine.index.isin(delivered.index).all()
    delay = machine - sent.reindex(machine.index)
    assert delay.between(pd.Timedelta(minutes=1), pd.Timedelta(minutes=10)).all()
    # a prefetching customer's client opens every delivered email, and about 45 % prefetch
    prefetching = delivered.index.get_level_values("customer_id").isin(
        machine.index.get_level_values("customer_id")
    )
    assert delivered.index.isin(machine.index).tolist() == prefetching.tolist()
    customers = delivered.index.get_level_values("customer_id")
    share = pd.Series(prefetching, index=customers).groupby(level=0).first().mean()
    assert share == pytest.approx(0.45, abs=0.04)


def test_planted_human_opens_are_the_recipients_who_opened_themselves(sample, planted):
    events = read(sample, "email_events").drop_duplicates()
    opens = events[(events["event_type"] == "open")]
    human = opens[opens["is_machine_open"] == "false"].groupby("campaign_id")["customer_id"]
    machine = opens[opens["is_machine_open"] == "true"].groupby("campaign_id")["customer_id"]
    clicks = events[events["event_type"] == "click"]
    # a click always comes with the person's own open: no clicker is a machine-only opener
    assert set(zip(clicks["campaign_id"], clicks["customer_id"], strict=True)) <= set(
        zip(opens.loc[opens["is_machine_open"] == "false", "campaign_id"],
            opens.loc[opens["is_machine_open"] == "false", "customer_id"], strict=True)
    )  # fmt: skip
    for campaign_id, truth in planted["email_opens"]["campaigns"].items():
        people = set(human.get_group(campaign_id))
        assert truth["human_unique_opens"] == len(people)
        assert truth["machine_only_openers"] == len(set(machine.get_group(campaign_id)) - people)
    assert planted["email_opens"]["machine_open_share"] == 0.45


def test_machine_open_share_outside_0_to_1_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="machine_open_share"):
        generate_dataset(10, seed=1, out_dir=tmp_path, machine_open_share=1.5)


def test_another_seed_gives_other_data(tmp_path):
    generate_dataset(100, seed=1, out_dir=tmp_path / "a")
    generate_dataset(100, seed=2, out_dir=tmp_path / "b")
    assert read(tmp_path / "a", "orders").ne(read(tmp_path / "b", "orders")).any().any()


def test_files_follow_the_raw_contract(sample):
    tables = {entity: read(sample, entity) for entity in ENTITIES}
    assert {e: list(t.columns) for e, t in tables.items()} == COLUMNS
    products = tables["products"]
    assert sorted(products["category"].unique()) == sorted(
        ["wine", "fruit", "meat", "fish", "sweets", "gold"]
    )
    assert products["product_id"].nunique() == 60
    assert set(tables["customers"]["email_opt_in"]) == {"true", "false"}
    assert set(tables["orders"]["channel"]) == {"web", "store", "catalog"}
    assert tables["customers"]["signup_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert tables["email_events"]["event_at"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").all()
    status_share = tables["orders"]["status"].value_counts(normalize=True)
    assert status_share["completed"] == pytest.approx(0.93, abs=0.02)
    sessions = tables["web_sessions"]
    assert (sessions["customer_id"] == "").mean() == pytest.approx(0.15, abs=0.02)
    assert (sessions["pages_viewed"].astype(int) == 1).mean() == pytest.approx(0.35, abs=0.02)
    assert all(len(t) < 100_000 for t in tables.values())


def test_truth_names_one_persona_per_real_customer(sample, planted):
    customers = read(sample, "customers")
    personas = pd.read_csv(sample / "ground_truth" / "personas.csv", dtype=str)
    assert personas["customer_id"].is_unique
    assert set(personas["customer_id"]) == set(customers["customer_id"])
    shares = personas["persona"].value_counts(normalize=True)
    expected = {"High Spenders": 0.2, "Budget Buyers": 0.15, "Digital Enthusiasts": 0.2,
                "Deal Seekers": 0.15, "Lapsed Customers": 0.15, "Families": 0.15}  # fmt: skip
    assert shares.to_dict() == pytest.approx(expected, abs=0.03)
    assert planted["personas"] == personas["persona"].value_counts().to_dict()


def test_lapsed_customers_last_ordered_a_year_or_more_ago(sample, clean):
    _, orders, _ = clean
    personas = pd.read_csv(sample / "ground_truth" / "personas.csv", dtype=str)
    lapsed = personas.loc[personas["persona"] == "Lapsed Customers", "customer_id"]
    last_order = orders.groupby("customer_id")["ordered_at"].max()
    assert ((END - last_order[last_order.index.isin(lapsed)]).dt.days >= 365).all()
    assert ((END - last_order[~last_order.index.isin(lapsed)]).dt.days < 365).mean() > 0.9


def test_orders_have_one_to_five_distinct_products(clean):
    _, _, items = clean
    lines = items.drop_duplicates(["order_id", "product_id"]).groupby("order_id").size()
    assert lines.between(1, 5).all()
    assert not items.duplicated(["order_id", "product_id"]).any()


def test_email_events_follow_the_send(sample):
    events = read(sample, "email_events").drop_duplicates()
    campaigns = read(sample, "campaigns").set_index("campaign_id")
    assert (events["event_at"] >= events["campaign_id"].map(campaigns["sent_at"])).all()
    recipient = ["campaign_id", "customer_id"]
    sent = events[events["event_type"] == "sent"]
    assert not sent.duplicated(recipient).any()
    assert events[recipient].drop_duplicates().merge(sent[recipient]).shape[0] == len(sent)
    bounced = events[events["event_type"].str.endswith("bounce")][recipient]
    engaged = events[events["event_type"].isin(["open", "click"])][recipient]
    assert bounced.merge(engaged).empty
    opens = events[events["event_type"] == "open"]
    assert opens.duplicated(recipient).any()


def test_every_email_unsubscribe_is_a_subscription_event(sample):
    events = read(sample, "email_events")
    subscriptions = read(sample, "subscriptions")
    keys = ["customer_id", "event_type", "event_at"]
    left = events[events["event_type"].isin(["unsubscribe", "complaint"])][keys]
    assert len(left) > 0
    assert len(left.drop_duplicates().merge(subscriptions[keys])) == len(left.drop_duplicates())
    customers = read(sample, "customers").drop_duplicates("customer_id")
    opted_in = set(customers.loc[customers["email_opt_in"] == "true", "customer_id"])
    subscribed = set(subscriptions.loc[subscriptions["event_type"] == "subscribe", "customer_id"])
    assert subscribed == opted_in


def test_kmeans_recovers_the_planted_personas(sample, clean):
    customers, orders, items = clean
    orders = orders[orders["status"] == "completed"]
    items = items.merge(orders[["order_id", "customer_id"]])
    items = items.merge(read(sample, "products").drop_duplicates("product_id"), on="product_id")
    items["amount"] = items["quantity"] * items["unit_price"]

    per_customer = orders.groupby("customer_id").agg(
        frequency=("order_id", "size"),
        last_order=("ordered_at", "max"),
        discount_share=("discount_used", lambda s: (s == "true").mean()),
    )
    channels = pd.crosstab(orders["customer_id"], orders["channel"], normalize="index")
    spend = items.pivot_table(
        index="customer_id", columns="category", values="amount", aggfunc="sum", fill_value=0
    )
    features = customers.set_index("customer_id")[
        ["income", "birth_year", "kids_at_home", "teens_at_home"]
    ].apply(pd.to_numeric)
    features["income"] = features["income"].fillna(features["income"].median())
    features["household"] = features.pop("kids_at_home") + features.pop("teens_at_home")
    features["frequency"] = np.log1p(per_customer["frequency"])
    features["monetary"] = np.log1p(spend.sum(axis=1))
    features["recency_days"] = (END - per_customer["last_order"]).dt.days
    features["discount_share"] = per_customer["discount_share"]
    features = features.join(channels).join(spend.div(spend.sum(axis=1), axis=0))
    features = features.fillna({"recency_days": 3 * 365}).fillna(0)

    labels = KMeans(n_clusters=6, n_init=10, random_state=0).fit_predict(
        StandardScaler().fit_transform(features)
    )
    truth = pd.read_csv(sample / "ground_truth" / "personas.csv", dtype=str)
    persona = truth.set_index("customer_id")["persona"].reindex(features.index)
    assert adjusted_rand_score(persona, labels) >= 0.85


def test_planted_affinity_pairs_lift_well_above_one(clean, planted):
    _, _, items = clean
    orders = items.groupby("order_id")["product_id"].agg(set)
    for pair in planted["affinity_pairs"]:
        a, b = str(pair["product_a"]), str(pair["product_b"])
        has_a, has_b = orders.map(lambda p, a=a: a in p), orders.map(lambda p, b=b: b in p)
        lift = has_b[has_a].mean() / has_b.mean()
        assert has_b[has_a].mean() == pytest.approx(0.6, abs=0.15)
        assert lift > 3


def test_experiment_kmeans_arm_beats_rfm_beats_control(sample, clean, planted):
    _, orders, _ = clean
    campaigns = read(sample, "campaigns")
    arms = campaigns[campaigns["experiment_id"] == planted["experiment"]["experiment_id"]]
    assert pd.to_numeric(arms["planned_share"]).sum() == pytest.approx(1)
    sent_at = pd.Timestamp(arms["sent_at"].iloc[0])
    events = read(sample, "email_events").drop_duplicates()
    events = events.merge(arms[["campaign_id", "variant"]])
    recipients = events[events["event_type"] == "sent"][["customer_id", "variant"]]
    completed = orders[orders["status"] == "completed"]
    in_window = completed["ordered_at"].between(sent_at, sent_at + pd.Timedelta(days=7))
    buyers = set(completed.loc[in_window, "customer_id"])
    conversion = recipients["customer_id"].isin(buyers).groupby(recipients["variant"]).mean()
    clicks = events[(events["event_type"] == "click") & (events["link_type"] == "content")]
    clickers = recipients["customer_id"].isin(clicks["customer_id"])
    click_rate = clickers.groupby(recipients["variant"]).mean()

    assert conversion["kmeans_targeted"] > conversion["rfm_targeted"] > conversion["control"]
    # 3% against 6% clicks is within noise for ~400 recipients an arm; 3% against 12% is not
    assert click_rate["kmeans_targeted"] > click_rate["control"]
    for variant, arm in planted["experiment"]["variants"].items():
        assert conversion[variant] == pytest.approx(arm["converters"] / arm["recipients"])
        assert click_rate[variant] == pytest.approx(arm["content_clickers"] / arm["recipients"])


def test_dirt_in_the_files_matches_the_planted_counts(sample, planted):
    dirt = planted["dirt"]
    customers = read(sample, "customers")
    unique = customers.drop_duplicates()
    email = unique["email"].str.strip().str.lower()
    valid = email.str.match(VALID_EMAIL)
    assert customers.duplicated().sum() == dirt["customers"]["exact_duplicates"]
    assert unique["customer_id"].duplicated().sum() == dirt["customers"]["conflicting_keys"]
    assert (valid & (email != unique["email"])).sum() == dirt["customers"]["messy_emails"]
    assert (~valid).sum() == dirt["customers"]["invalid_emails"]
    assert (unique["income"] == "").sum() == dirt["customers"]["missing_income"]

    products = read(sample, "products")
    assert products["product_id"].duplicated().sum() == dirt["products"]["conflicting_keys"]

    orders = read(sample, "orders")
    unique = orders.drop_duplicates()
    ordered_at = pd.to_datetime(unique["ordered_at"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    unknown = ~unique["customer_id"].isin(customers["customer_id"])
    assert orders.duplicated().sum() == dirt["orders"]["exact_duplicates"]
    assert unique["order_id"].duplicated().sum() == dirt["orders"]["conflicting_keys"]
    assert (ordered_at.dt.year >= 2031).sum() == dirt["orders"]["future_dates"]
    assert ordered_at.isna().sum() == dirt["orders"]["unparseable_dates"]
    assert unknown.sum() == dirt["orders"]["unknown_customers"]

    items = read(sample, "order_items")
    unique = items.drop_duplicates()
    quantity, price = unique["quantity"].astype(int), unique["unit_price"].astype(float)
    assert items.duplicated().sum() == dirt["order_items"]["exact_duplicates"]
    assert (quantity <= 0).sum() == dirt["order_items"]["invalid_quantities"]
    assert (price < 0).sum() == dirt["order_items"]["invalid_unit_prices"]
    assert (quantity >= 200).sum() == dirt["order_items"]["outlier_quantities"]
    outlier_orders = unique.loc[quantity >= 200, "order_id"].nunique()
    assert outlier_orders == dirt["orders"]["outlier_orders"]
    of_unknown = unique["order_id"].isin(
        orders.loc[~orders["customer_id"].isin(customers["customer_id"]), "order_id"]
    )
    assert of_unknown.sum() == dirt["order_items"]["of_unknown_customer_orders"]

    events = read(sample, "email_events")
    assert events.duplicated().sum() == dirt["email_events"]["exact_duplicates"]
    assert all(count > 0 for table in dirt.values() for count in table.values())


def test_parquet_holds_the_same_rows_as_csv(tmp_path):
    generate_dataset(200, seed=5, out_dir=tmp_path / "csv")
    generate_dataset(200, seed=5, out_dir=tmp_path / "pq", fmt="parquet")
    for entity in ENTITIES:
        table = pq.read_table(tmp_path / "pq" / f"raw_{entity}.parquet")
        as_text = {
            name: pc.cast(table[name], pa.string()).fill_null("") for name in table.column_names
        }
        pd.testing.assert_frame_equal(
            pa.table(as_text).to_pandas().astype(str), read(tmp_path / "csv", entity)
        )


def test_unknown_format_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="fmt"):
        generate_dataset(10, seed=1, out_dir=tmp_path, fmt="json")


def test_bundled_seeds_are_what_the_documented_command_generates(tmp_path):
    # `make seeds` must reproduce the committed sample exactly, or the README lies
    generate_dataset(2000, seed=42, out_dir=tmp_path, truth_dir=tmp_path / "truth")
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    for generated in sorted(tmp_path.glob("raw_*.csv")):
        assert generated.read_bytes() == (seeds / generated.name).read_bytes(), generated.name
