-- Argo CD health of a quorumkeeper.io QuorumCluster, read from what the operator writes:
-- metadata.deletionTimestamp, status.observedGeneration, status.bootstrap.formed and the
-- conditions SpecInvalid, QuorumHealthy, Paused, Healing, Ready and Warning.
-- The rules and why: docs/operations.md, section "Argo CD". Lua 5.1, no library beyond the base.

local function find(conditions, kind)
  for _, c in ipairs(conditions or {}) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local function holds(c, value)
  return c ~= nil and c.status == value
end

local function text(c)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  if c ~= nil and c.reason ~= nil then
    return c.reason
  end
  return "no message"
end

local function number(n)
  return string.format("%d", n)
end

-- A change the operator has not read yet, or a resource on its way out: status is not the answer.
local function pending(obj)
  local meta = obj.metadata or {}
  if meta.deletionTimestamp ~= nil then
    return "Progressing", "deleting the cluster"
  end
  local status = obj.status
  if status == nil or status.observedGeneration == nil then
    return "Progressing", "waiting for the operator to report on the cluster"
  end
  if meta.generation ~= nil and status.observedGeneration < meta.generation then
    return "Progressing", "waiting for the operator to read generation " .. number(meta.generation)
      .. " (status describes generation " .. number(status.observedGeneration) .. ")"
  end
  return nil
end

-- The quorum has fewer voters or less fault tolerance than the spec promises, and a leader.
-- Degraded only when the operator says it cannot restore it alone: healing blocked, or waiting
-- with every pod ready. A voter change in flight, pods starting, a voter catching up: Progressing.
local function reduced(quorum, healing, ready)
  if holds(healing, "True") then
    return "Progressing", "healing: " .. text(healing) .. " (" .. text(quorum) .. ")"
  end
  if healing ~= nil and healing.reason == "Blocked" then
    return "Degraded", text(quorum) .. "; healing blocked: " .. text(healing)
  end
  local message = text(quorum)
  if healing ~= nil and healing.reason == "Waiting" then
    message = message .. "; " .. text(healing)
  end
  -- A pod restarting or a roll under way: the quorum is reduced because the operator is at work.
  if holds(ready, "False") and (ready.reason == "PodsNotReady" or ready.reason == "RolloutInProgress") then
    return "Progressing", message .. "; " .. text(ready)
  end
  if healing ~= nil and healing.reason == "Waiting" then
    return "Degraded", message
  end
  return "Progressing", message
end

-- The quorum is healthy (or not observed yet): the cluster's objects and pods decide.
local function settled(conditions, quorum, ready, healing)
  if holds(healing, "True") then
    return "Progressing", "healing: " .. text(healing)
  end
  if holds(ready, "False") and ready.reason == "ObjectsNotWritten" then
    return "Degraded", "objects not written: " .. text(ready)
  end
  if not holds(ready, "True") then
    return "Progressing", ready == nil and "waiting for the pods" or "not ready: " .. text(ready)
  end
  if quorum == nil then
    return "Progressing", "waiting for the first observation of the quorum"
  end
  local warning = find(conditions, "Warning")
  if holds(warning, "True") then
    return "Healthy", text(quorum) .. "; warning: " .. text(warning)
  end
  return "Healthy", text(quorum)
end

local function assess(obj)
  local status, message = pending(obj)
  if status ~= nil then
    return status, message
  end
  local conditions = obj.status.conditions
  local invalid = find(conditions, "SpecInvalid")
  local quorum = find(conditions, "QuorumHealthy")
  local ready = find(conditions, "Ready")
  local healing = find(conditions, "Healing")
  if holds(invalid, "True") then
    return "Degraded", "spec invalid: " .. text(invalid)
  end
  if holds(quorum, "False") and quorum.reason == "NoLeader" then
    local formed = obj.status.bootstrap ~= nil and obj.status.bootstrap.formed == true
    if formed and holds(find(conditions, "Paused"), "True") then
      return "Degraded", "quorum lost: " .. text(quorum) .. "; the operator is paused"
    end
    if formed then
      return "Degraded", "quorum lost: " .. text(quorum)
    end
    return "Progressing", "forming the quorum: " .. text(quorum)
  end
  if holds(find(conditions, "Paused"), "True") then
    return "Suspended", "paused: " .. text(find(conditions, "Paused"))
  end
  if holds(quorum, "False") and quorum.reason == "Electing" then
    return "Progressing", "electing a leader: " .. text(quorum)
  end
  if holds(quorum, "False") and quorum.reason == "LeaderUnconfirmed" then
    return "Progressing", "new leader, not yet confirmed by Kafka: " .. text(quorum)
  end
  if holds(quorum, "False") then
    return reduced(quorum, healing, ready)
  end
  return settled(conditions, quorum, ready, healing)
end

local hs = {}
hs.status, hs.message = assess(obj)
return hs
