-- Runs an Argo CD health.lua on one object as Argo CD does: the object is the global `obj`, and the
-- table the script returns is the health. Usage: lua5.1 run_health.lua HEALTH_LUA < OBJECT
-- OBJECT is Lua source returning the object as a table (ArgoHealth converts it from JSON).
-- Prints the status on the first line and the message on the second.
local object = assert(loadstring(io.read("*a"), "object"))
obj = object()
local check = assert(loadfile(arg[1]))
local hs = check()
assert(type(hs) == "table", "health.lua returned " .. type(hs) .. ", not a table")
io.write(tostring(hs.status), "\n", tostring(hs.message), "\n")
