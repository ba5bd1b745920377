"""One row per customer: K-means value tier (high / mid / low) over the RFM scores.

Thin wrapper: the logic (standardised scores, k = 3, fixed seed, tier names by cluster
value, bot-like customers scored but not fitted) is rocketmart.segmentation.assign_value_tiers.
"""

from rocketmart import segmentation


def model(dbt, session):
    dbt.config(materialized="table")
    customers = dbt.ref("int_customer_rfm").df()
    return segmentation.assign_value_tiers(customers, random_state=42)
