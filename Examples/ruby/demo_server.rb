# frozen_string_literal: true
#
# demo_server.rb: a long-running Ruby program that leaks in one known way, to try
# retention_dumps.rb and `retention leaks` on. No gems.
#
#   RETENTION_TRACE=1 RETENTION_DUMP_DIR=/tmp/demo-dumps ruby Examples/ruby/demo_server.rb &
#   kill -USR2 PID; sleep 5; kill -USR2 PID; sleep 5; kill -USR2 PID
#   retention leaks /tmp/demo-dumps          # the leak: the line marked SITE:leak below
#   kill PID
#
# It "serves" a request every 20 ms: builds a response (garbage, freed at the next GC), keeps a
# bounded cache of recent pages (steady, not a leak), and appends every request to a global
# log that nothing ever trims (the leak).

require_relative "retention_dumps"

Request = Struct.new(:id, :path, :user_agent)

$request_log = [] # grows forever: the leak's accumulation point
CACHE = {}        # at most 50 entries: replaced, never grows
CACHE_SIZE = 50

def handle(id)
  path = "/items/#{id % 200}"
  response = "<html><body>item #{id}: #{'x' * 200}</body></html>" # garbage after this method
  CACHE.delete(CACHE.keys.first) if CACHE.size >= CACHE_SIZE && !CACHE.key?(path)
  CACHE[path] = response.bytesize
  $request_log << Request.new(id, path, "demo-client/1.0 (request #{id})") # SITE:leak
  response.bytesize
end

$stdout.sync = true
puts "demo_server pid=#{Process.pid} ready: kill -#{RetentionDumps.signal || 'USR2'} #{Process.pid} writes a heap dump to #{RetentionDumps.dir}"

trap("TERM") { exit }
trap("INT") { exit }

id = 0
loop do
  id += 1
  handle(id)
  sleep 0.02
end
