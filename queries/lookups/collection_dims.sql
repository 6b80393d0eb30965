-- collection_dims: the channels, agencies and agents in the collection actions with their number
-- of actions (for selectors), as derived (ledger/sql/derive/83_collection_dims.sql).
-- Grain: one row per dimension and value. Parameters: none.
SELECT dimension, value, actions
FROM collection_dims
ORDER BY dimension, actions DESC, value;
