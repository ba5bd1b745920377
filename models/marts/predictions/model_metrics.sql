{#- One row per prediction model and variant (the fitted `model` and its rule
    `baseline`): validation metrics of the time split, with a status and a reason when a
    split is too small or single-class to train or evaluate. -#}
with

metrics as (
    select * from {{ ref('int_model_metrics') }}
),

final as (
    select
        -- ids
        model_name,
        variant,
        -- health
        status,
        reason,
        -- ranking quality (threshold-free)
        roc_auc,
        average_precision,
        top_decile_lift,
        -- at the threshold chosen on validation
        threshold,
        precision,
        recall,
        f1,
        -- support
        base_rate,
        n_train,
        n_train_positives,
        n_validation,
        n_validation_positives
    from metrics
)

select * from final
