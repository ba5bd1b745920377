{#- One row per cutoff with an outcome window (training, evaluation), source item and rank
    (1..max(k)): the source's association rules at the cutoff. Source items: the items
    with a transition in the cutoff's window (int_recommendation_session_transitions),
    the only ones a rule is looked up for. A rule source -> rule_item_id: the two items
    viewed in one session at or before the cutoff by a visitor not bot-like at the
    cutoff; n_rule_sessions = such sessions, n_item_sessions = sessions that viewed the
    source; ranked by n_rule_sessions desc, then rule_item_id. Read by
    int_recommendation_next_item_features (a candidate generator and its features) and
    int_recommendation_session_next_item_metrics (the association_rules strategy). -#}
{% set max_k = var('evaluation_k_values') | max %}

with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
    where cutoff_name in ('training', 'evaluation')
),

views as (
    select * from {{ ref('int_events_enriched') }}
    where event_type = 'view'
),

bot_like_visitors as (
    select * from {{ ref('int_recommendation_suppressions') }}
    where reason = 'bot_like'
),

transitions as (
    select * from {{ ref('int_recommendation_session_transitions') }}
),

source_items as (
    select distinct
        cutoff_name,
        item_id
    from transitions
),

session_items as (
    select distinct
        cutoffs.cutoff_name,
        views.visitor_id,
        views.session_number,
        views.item_id
    from views
    inner join cutoffs
        on views.event_at <= cutoffs.cutoff_at
    anti join bot_like_visitors
        on
            cutoffs.cutoff_name = bot_like_visitors.cutoff_name
            and views.visitor_id = bot_like_visitors.visitor_id
),

-- the sessions of a source item, each with the source
source_sessions as (
    select session_items.*
    from session_items
    semi join source_items
        on
            session_items.cutoff_name = source_items.cutoff_name
            and session_items.item_id = source_items.item_id
),

item_sessions as (
    select
        cutoff_name,
        item_id,
        count(*) as n_item_sessions
    from source_sessions
    group by cutoff_name, item_id
),

rules as (
    select
        source_sessions.cutoff_name,
        source_sessions.item_id,
        session_items.item_id as rule_item_id,
        count(*) as n_rule_sessions,
        row_number() over (
            partition by source_sessions.cutoff_name, source_sessions.item_id
            order by count(*) desc, session_items.item_id asc
        ) as rule_rank
    from source_sessions
    inner join session_items
        on
            source_sessions.cutoff_name = session_items.cutoff_name
            and source_sessions.visitor_id = session_items.visitor_id
            and source_sessions.session_number = session_items.session_number
            and source_sessions.item_id != session_items.item_id
    group by source_sessions.cutoff_name, source_sessions.item_id, session_items.item_id
    qualify rule_rank <= {{ max_k }}
),

final as (
    select
        -- ids
        rules.cutoff_name,
        rules.item_id,
        rules.rule_rank,
        rules.rule_item_id,
        -- measures
        rules.n_rule_sessions,
        item_sessions.n_item_sessions
    from rules
    inner join item_sessions
        on
            rules.cutoff_name = item_sessions.cutoff_name
            and rules.item_id = item_sessions.item_id
)

select * from final
