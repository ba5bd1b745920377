"""Item-item cosine similarity per recommendation cutoff: see rocketmart.similarity."""

from rocketmart.similarity import top_k_cosine_per_cutoff


def model(dbt, session):
    dbt.config(materialized="table")
    cutoffs = dbt.ref("int_recommendation_cutoffs").select("cutoff_name").fetchall()
    interactions = dbt.ref("int_visitor_item_interactions")
    # one pure call per cutoff, each on the interactions at or before that cutoff only
    return top_k_cosine_per_cutoff(
        {name: interactions.filter(f"cutoff_name = '{name}'").fetchnumpy() for (name,) in cutoffs},
        k=int(dbt.config.get("similarity_top_k")),
    )


# This part is user provided model code
# you will need to copy the next section to run the code
# COMMAND ----------
# this part is dbt logic for get ref work, do not modify

def ref(*args, **kwargs):
    refs = {"int_recommendation_cutoffs": "\"real\".\"intermediate\".\"int_recommendation_cutoffs\"", "int_visitor_item_interactions": "\"real\".\"intermediate\".\"int_visitor_item_interactions\""}
    key = '.'.join(args)
    version = kwargs.get("v") or kwargs.get("version")
    if version:
        key += f".v{version}"
    dbt_load_df_function = kwargs.get("dbt_load_df_function")
    return dbt_load_df_function(refs[key])


def source(*args, dbt_load_df_function):
    sources = {}
    key = '.'.join(args)
    return dbt_load_df_function(sources[key])


config_dict = {'similarity_top_k': 20}
meta_dict = {}


class config:
    def __init__(self, *args, **kwargs):
        pass

    @staticmethod
    def get(key, default=None):
        return config_dict.get(key, default)

    @staticmethod
    def meta_get(key, default=None):
        return meta_dict.get(key, default)

class this:
    """dbt.this() or dbt.this.identifier"""
    database = "real"
    schema = "intermediate"
    identifier = "int_item_similarity"
    
    def __repr__(self):
        return '"real"."intermediate"."int_item_similarity"'


class dbtObj:
    def __init__(self, load_df_function) -> None:
        self.source = lambda *args: source(*args, dbt_load_df_function=load_df_function)
        self.ref = lambda *args, **kwargs: ref(*args, **kwargs, dbt_load_df_function=load_df_function)
        self.config = config
        self.this = this()
        self.is_incremental = False

# COMMAND ----------


