-- collection_dims: the channels, agencies and agents in the collection actions with their number
-- of actions (for selectors). Grain: one row per dimension and value. Parameters: none.
SELECT 'channel' AS dimension, channel AS value, count(*) AS actions
FROM action_status GROUP BY ALL
UNION ALL
SELECT 'agency', agency, count(*) FROM action_status WHERE agency IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'agent', agent_id, count(*) FROM action_status WHERE agent_id IS NOT NULL GROUP BY ALL
ORDER BY dimension, actions DESC, value;
