
-- Fixture for int_bought_together
select cast(null as character varying(256)) as "cutoff_name", cast(null as BIGINT) as "item_a", cast(null as BIGINT) as "item_b", cast(null as BIGINT) as "n_baskets", cast(null as DOUBLE) as "support", cast(null as DOUBLE) as "confidence_a_to_b", cast(null as DOUBLE) as "confidence_b_to_a", cast(null as DOUBLE) as "lift"
    limit 0