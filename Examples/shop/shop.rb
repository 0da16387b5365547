# shop.rb -- a tiny simulated web shop that leaks memory in known ways and writes real
# ObjectSpace.dump_all heap dumps, plus a "facts" file per dump with what the program itself
# knows about its heap (for tests of `retention`).
#
# Runs on Ruby 2.7, 3.1 and 3.3 with nothing outside core Ruby and objspace. Run it from the
# repository root, so that the allocation "file" in the dumps is exactly Examples/shop/shop.rb:
#
#   ruby --disable-gems Examples/shop/shop.rb OUT_DIR [--dumps N] [--scale S] [--prefix P]
#
#   N  number of dumps, 3..9 (default 3). S multiplies the request counts, the cache capacity
#   and the session lifetime (default 1; 1 gives dumps of about 20k objects, see
#   Benchmarks/make-bench-dumps.sh for large ones). P is the file prefix (default "shop").
#
# It turns allocation tracing on first thing, runs a warm-up (WARMUP requests), takes dump 1,
# then runs N-1 rounds of ROUND requests with a dump after each. Every dump is taken right after
# GC.start, with GC disabled around ObjectSpace.count_objects and the dump itself, and written as
#   OUT_DIR/P-heapK.json        the dump (K = 1..N)
#   OUT_DIR/P-heapK.facts.json  the facts (see write_facts below for the schema)
#
# What is in the heap (allocation sites are marked "# SITE:name"; the facts give their lines):
#   * Leak A (global variable): $request_metrics, a Hash keyed by request id (a frozen String),
#     gets one Metric per request and never drops any. Per request: the key String, the Metric
#     (an OBJECT with 6 ivars), its path String, its tags Array and the 2 tag Strings.
#     Root chain: ROOT global_tbl -> HASH -> Metric -> String.
#   * Leak B (class-level listeners): EventBus keeps a class-level ivar @listeners (an Array);
#     every request subscribes one Listener (a Struct) holding a topic String, and nothing ever
#     unsubscribes. Chain: CLASS EventBus (a constant of Object) -> ARRAY -> STRUCT -> String.
#   * Not a leak: CACHE, an LRU of rendered product pages capped at CACHE_CAPACITY entries (full
#     long before dump 1). A quarter of the requests hit a few hot products (always cached); the
#     rest walk a cycle of cold products larger than the cache, so every cold request misses and
#     evicts, and each round replaces every cold entry.
#   * Not a leak: SESSIONS, a session store: every 4th request logs in (new Session), each request
#     puts an item in the newest session's cart, and sessions older than SESSION_TTL requests
#     are deleted. SESSION_TTL is shorter than a round, so no session lives across two dumps.
#   * Short-lived garbage: each request parses a fake HTTP request and builds a response (Strings,
#     Arrays, Hashes), so GC frees many slots between dumps and Ruby reuses their addresses. A full
#     GC.start every ROUND/2 requests (an out-of-band GC) also frees the old-generation cache
#     entries and sessions mid-round, so their slots are reused before the next dump too.
#   Every line of the program runs before dump 1 (a rehearsal dump is written and deleted first),
#   so no inline-cache IMEMOs appear after dump 1: with dumps 1, 2 and K, the objects allocated
#   after dump 1 and alive in dumps 2 and K are exactly the planted leaks of round 1.
#   Examples/shop/check_dumps.rb checks a run's dumps against its facts files.
require 'objspace'
ObjectSpace.trace_object_allocations_start

USAGE = 'usage: ruby --disable-gems Examples/shop/shop.rb OUT_DIR [--dumps N] [--scale S] [--prefix P]'.freeze

def parse_args(argv)
  opts = { out_dir: nil, dumps: 3, scale: 1.0, prefix: 'shop' }
  args = argv.dup
  until args.empty?
    arg = args.shift
    case arg
    when '--dumps' then opts[:dumps] = Integer(args.shift || abort(USAGE))
    when '--scale' then opts[:scale] = Float(args.shift || abort(USAGE))
    when '--prefix' then opts[:prefix] = args.shift || abort(USAGE)
    when '-h', '--help' then puts USAGE; exit
    else
      abort(USAGE) if opts[:out_dir] || arg.start_with?('-')
      opts[:out_dir] = arg
    end
  end
  abort(USAGE) unless opts[:out_dir]
  abort('--dumps must be between 3 and 9') unless (3..9).cover?(opts[:dumps])
  abort('--scale must be positive') unless opts[:scale] > 0
  opts
end

OPTS = parse_args(ARGV)
OUT_DIR = OPTS[:out_dir]
PREFIX = OPTS[:prefix]
DUMPS = OPTS[:dumps]
SCALE = OPTS[:scale]

def scaled(base, min)
  n = (base * SCALE).round
  n < min ? min : n
end

WARMUP = scaled(1100, 100)          # requests before dump 1
ROUND = scaled(400, 40)             # requests between two dumps
CACHE_CAPACITY = scaled(280, 28)    # < 3/4 of ROUND: every round replaces all cold entries
SESSION_TTL = scaled(200, 20)       # < ROUND: no session lives across two dumps
HOT_PRODUCTS = 5                    # hit every 20 requests, so never evicted
COLD_PRODUCTS = CACHE_CAPACITY * 2 + 17

# Where each allocation site is: "# SITE:name" comments in this file, read once at start.
SITE_LINES = {}
File.foreach(__FILE__).with_index(1) do |text, lineno|
  name = text[/# SITE:(\w+)\s*\z/, 1]
  SITE_LINES[name] = lineno if name
end
SITE_LINES.freeze

class Endpoint
  attr_reader :verb, :pattern

  def initialize(verb, pattern)
    @verb = verb
    @pattern = pattern
  end
end

ENDPOINTS = [
  Endpoint.new('GET', '/products/:id'),
  Endpoint.new('GET', '/products/:id/reviews'),
  Endpoint.new('POST', '/cart/items'),
  Endpoint.new('GET', '/search')
].freeze

AGENTS = ['Mozilla/5.0 (X11; Linux x86_64)', 'curl/7.88.1', 'Mozilla/5.0 (Macintosh)', 'shop-ios/4.2'].freeze

# Leak A: one Metric per request, kept forever in a global Hash.
class Metric
  attr_reader :request_id, :endpoint, :path, :status, :tags, :elapsed_us

  def initialize(request_id, endpoint, path, status, tags, elapsed_us)
    @request_id = request_id
    @endpoint = endpoint
    @path = path
    @status = status
    @tags = tags
    @elapsed_us = elapsed_us
  end
end

$request_metrics = {}

# Leak B: listeners subscribed at class level and never unsubscribed.
Listener = Struct.new(:topic, :request_id, :endpoint, :priority)

class EventBus
  @listeners = []

  class << self
    attr_reader :listeners

    def subscribe(listener)
      @listeners << listener
      listener
    end

    def publish(topic)
      @listeners.count { |l| l.topic == topic }
    end
  end
end

# Not a leak: a bounded LRU cache (Hash order = recency order).
CacheEntry = Struct.new(:body, :etag, :headers)

class LruCache
  attr_reader :capacity, :entries, :hits, :misses

  def initialize(capacity)
    @capacity = capacity
    @entries = {}
    @hits = 0
    @misses = 0
  end

  def fetch(key)
    entry = @entries.delete(key)
    if entry
      @hits += 1
      @entries[key] = entry
      return entry
    end
    @misses += 1
    entry = yield
    @entries[key] = entry
    @entries.shift while @entries.size > @capacity
    entry
  end

  def size
    @entries.size
  end
end

# Not a leak: sessions come and go.
class Session
  attr_reader :id, :user, :cart, :created_at

  def initialize(id, user, created_at)
    @id = id
    @user = user
    @cart = [] # SITE:session_cart
    @created_at = created_at
  end
end

class SessionStore
  attr_reader :sessions, :created, :expired

  def initialize(ttl)
    @ttl = ttl
    @sessions = {}
    @newest = nil
    @created = 0
    @expired = 0
  end

  def login(i)
    id = "sess-#{i}-#{(i * 2_654_435_761) % 1_000_003}".freeze # SITE:session_id
    user = "user#{i % 997}@example.com" # SITE:session_user
    @newest = @sessions[id] = Session.new(id, user, i) # SITE:session
    @created += 1
    @newest
  end

  def current(i)
    login(i) if @newest.nil? || (i % 4).zero?
    @newest
  end

  def expire(now)
    while (oldest = @sessions.first) && oldest[1].created_at <= now - @ttl
      @sessions.delete(oldest[0])
      @expired += 1
    end
    @newest = nil if @sessions.empty?
  end

  def size
    @sessions.size
  end
end

CACHE = LruCache.new(CACHE_CAPACITY)
SESSIONS = SessionStore.new(SESSION_TTL)

def render_product(pid, version)
  body = "<html><head><title>Product #{pid}</title></head><body><h1>Product #{pid}</h1><p>In stock: #{pid % 17}</p></body></html>" # SITE:cache_body
  etag = "W/\"p#{pid}-v#{version}\"" # SITE:cache_etag
  headers = { 'Content-Type' => 'text/html; charset=utf-8', 'ETag' => etag } # SITE:cache_headers
  CacheEntry.new(body, etag, headers) # SITE:cache_entry
end

$cold_cursor = 0

def product_for(i)
  return 1 + (i / 4) % HOT_PRODUCTS if (i % 4).zero?

  $cold_cursor += 1
  1000 + $cold_cursor % COLD_PRODUCTS
end

# One simulated request. Everything not stored in CACHE, SESSIONS, $request_metrics or
# EventBus.listeners is garbage as soon as it returns.
def serve(i)
  pid = product_for(i)
  endpoint = ENDPOINTS[i % ENDPOINTS.size]
  agent = AGENTS[i % AGENTS.size]

  # short-lived garbage: parse a fake request
  raw = "#{endpoint.verb} /products/#{pid}?ref=campaign-#{i % 97}&page=#{i % 5} HTTP/1.1\r\nUser-Agent: #{agent}\r\n" # SITE:garbage_raw
  request_line, header_line = raw.split("\r\n")
  verb, target, = request_line.split(' ')
  params = {}
  target.split('?', 2)[1].split('&').each do |pair|
    key, value = pair.split('=', 2)
    params[key] = value
  end
  headers = { 'verb' => verb, 'agent' => header_line.split(': ', 2)[1], 'page' => params['page'] }

  session = SESSIONS.current(i)
  session.cart << "sku-#{pid}-#{i % 3}" # SITE:session_item

  key = "product:#{pid}".freeze # SITE:cache_key
  entry = CACHE.fetch(key) { render_product(pid, i % 7) }

  response = [200, { 'ETag' => entry.etag, 'Content-Length' => entry.body.bytesize.to_s }, [entry.body, "<!-- #{headers.size} -->"]]
  log = "#{verb} #{target} -> #{response[0]} (#{response[2].sum(&:bytesize)} bytes) session=#{session.id}"

  # Leak A: the metric, kept forever
  rid = "req-#{i}".freeze # SITE:metric_key
  path = "/products/#{pid}?page=#{params['page']}" # SITE:metric_path
  tags = ["u:#{session.user}", "ua:#{agent}"] # SITE:metric_tags
  $request_metrics[rid] = Metric.new(rid, endpoint, path, 200, tags, 1000 + (i * 37) % 5000) # SITE:metric

  # Leak B: a listener per request, never unsubscribed
  topic = "order.#{i}" # SITE:listener_topic
  EventBus.subscribe(Listener.new(topic, i, endpoint, i % 3)) # SITE:listener

  SESSIONS.expire(i)
  log.size
end

# What each request leaks: [leak, site, dump type, class name, objects per request].
LEAK_SITES = [
  ['A', 'metric_key', 'STRING', 'String', 1],
  ['A', 'metric', 'OBJECT', 'Metric', 1],
  ['A', 'metric_path', 'STRING', 'String', 1],
  ['A', 'metric_tags', 'ARRAY', 'Array', 1],
  ['A', 'metric_tags', 'STRING', 'String', 2],
  ['B', 'listener', 'STRUCT', 'Listener', 1],
  ['B', 'listener_topic', 'STRING', 'String', 1]
].freeze

# Live objects of the bounded structures, per entry: [structure, site, dump type, class name, per entry].
BOUNDED_SITES = [
  ['cache', 'cache_key', 'STRING', 'String', 1],
  ['cache', 'cache_entry', 'STRUCT', 'CacheEntry', 1],
  ['cache', 'cache_body', 'STRING', 'String', 1],
  ['cache', 'cache_etag', 'STRING', 'String', 1],
  ['cache', 'cache_headers', 'HASH', 'Hash', 1],
  ['cache', 'cache_headers', 'STRING', 'String', 1],
  ['sessions', 'session_id', 'STRING', 'String', 1],
  ['sessions', 'session_user', 'STRING', 'String', 1],
  ['sessions', 'session', 'OBJECT', 'Session', 1],
  ['sessions', 'session_cart', 'ARRAY', 'Array', 1],
  ['sessions', 'session_item', 'STRING', 'String', nil] # one per cart item
].freeze

# ---------------------------------------------------------------------------------------------
# A small JSON writer (no json library: nothing extra gets loaded into the heap being dumped).
def json(value, indent = '')
  case value
  when Hash
    return '{}' if value.empty?
    # a Hash of plain values (a site row) goes on one line
    return "{#{value.map { |k, v| "#{json(k.to_s)}: #{json(v)}" }.join(', ')}}" if value.values.none? { |v| v.is_a?(Hash) || v.is_a?(Array) } && value.size <= 8

    inner = indent + '  '
    items = value.map { |k, v| "#{inner}#{json(k.to_s)}: #{json(v, inner)}" }
    "{\n#{items.join(",\n")}\n#{indent}}"
  when Array
    return '[]' if value.empty?
    return "[#{value.map { |v| json(v) }.join(', ')}]" if value.all? { |v| !v.is_a?(Hash) && !v.is_a?(Array) }

    inner = indent + '  '
    "[\n#{value.map { |v| inner + json(v, inner) }.join(",\n")}\n#{indent}]"
  when String, Symbol
    s = value.to_s.gsub(/["\\\x00-\x1f]/) do |c|
      { '"' => '\\"', '\\' => '\\\\', "\n" => '\\n', "\t" => '\\t', "\r" => '\\r' }[c] || format('\\u%04x', c.ord)
    end
    "\"#{s}\""
  when Integer then value.to_s
  when Float then value.finite? ? value.to_s : 'null'
  when true then 'true'
  when false then 'false'
  when nil then 'null'
  else json(value.to_s)
  end
end

def address_of(obj)
  ObjectSpace.dump(obj)[/"address":"(0x\h+)"/, 1]
end

# Counts the records of a dump by "type" (streaming; ROOT and SHAPE are not objects).
def dump_type_counts(path)
  counts = Hash.new(0)
  File.foreach(path) do |line|
    type = line[/"type":"([A-Z]+)"/, 1] || 'UNPARSED'
    counts[type] += 1
  end
  counts
end

# Addresses of the accumulating containers and classes: taken once, they never move
# (nothing here calls GC.compact, and auto-compaction is off by default).
CONTAINER_ADDRESSES = {
  'request_metrics' => address_of($request_metrics),
  'listeners' => address_of(EventBus.listeners),
  'EventBus' => address_of(EventBus),
  'cache' => address_of(CACHE.entries),
  'sessions' => address_of(SESSIONS.sessions)
}.freeze

# ---------------------------------------------------------------------------------------------
$requests_done = 0
$requests_at_dump = []

# Out-of-band GC (like unicorn's OobGC) every OOB_GC_EVERY requests: a full GC in the middle of
# each round frees the old objects that left the cache and the session store, so later requests
# reuse their slots (minor GCs alone would keep them until the GC.start before the next dump).
OOB_GC_EVERY = ROUND / 2

def run_requests(count)
  count.times do
    $requests_done += 1
    serve($requests_done)
    GC.start if ($requests_done % OOB_GC_EVERY).zero?
  end
end

def site_row(site, type, klass, count, extra = {})
  { 'site' => site, 'type' => type, 'class' => klass, 'file' => __FILE__, 'line' => SITE_LINES.fetch(site), 'count' => count }.merge(extra)
end

def leak_rows(requests)
  LEAK_SITES.map { |leak, site, type, klass, per| site_row(site, type, klass, per * requests, 'leak' => leak) }
end

def bounded_rows(structure)
  rows = BOUNDED_SITES.select { |s, *| s == structure }.map do |_, site, type, klass, per|
    count = if per
              structure == 'cache' ? per * CACHE.size : per * SESSIONS.size
            else
              SESSIONS.sessions.values.sum { |s| s.cart.size }
            end
    site_row(site, type, klass, count)
  end
  rows
end

# COUNT_OBJECTS keys that count_objects returns but that are not "live object" types.
NOT_OBJECT_KEYS = %i[TOTAL FREE].freeze

def take_dump(index, rehearsal: false)
  name = rehearsal ? "#{PREFIX}-rehearsal.json" : "#{PREFIX}-heap#{index}.json"
  path = File.join(OUT_DIR, name)
  counts = {}
  ObjectSpace.count_objects(counts) # sizes the Hash, so the call below allocates nothing
  file = File.open(path, 'w')
  # The first write to a File allocates its write lock (a Mutex, T_DATA): do it now, not inside dump_all.
  file.write(' ')
  file.flush
  file.rewind
  file.truncate(0)
  GC.start
  GC.disable
  ObjectSpace.count_objects(counts)
  gc_count = GC.count
  ObjectSpace.dump_all(output: file)
  GC.enable
  file.close

  $requests_at_dump << $requests_done unless rehearsal
  facts = build_facts(index, name, path, counts, gc_count)
  facts_path = path.sub(/\.json\z/, '.facts.json')
  File.write(facts_path, json(facts) + "\n")
  message = format('%-24s %11d bytes, GC.count %d, live %d (count_objects), metrics %d, listeners %d, cache %d, sessions %d',
                   name, File.size(path), gc_count, facts['count_objects']['live_objects'], $request_metrics.size,
                   EventBus.listeners.size, CACHE.size, SESSIONS.size)
  if rehearsal
    File.delete(path)
    File.delete(facts_path)
  else
    warn message
  end
end

def build_facts(index, name, path, counts, gc_count)
  dumped = dump_type_counts(path)
  # a Hash reused for count_objects keeps keys of earlier calls with a count of 0: drop them
  counts = counts.reject { |k, v| v.zero? && !NOT_OBJECT_KEYS.include?(k) }
  live = counts[:TOTAL] - counts[:FREE]
  object_records = dumped.reject { |t, _| %w[ROOT SHAPE].include?(t) }
  exact = []
  differ = {}
  (counts.keys - NOT_OBJECT_KEYS).each do |key|
    type = key.to_s.sub(/\AT_/, '')
    if dumped[type] == counts[key]
      exact << key.to_s
    else
      differ[key.to_s] = { 'count_objects' => counts[key], 'dump' => dumped[type] }
    end
  end
  (object_records.keys - (counts.keys - NOT_OBJECT_KEYS).map { |k| k.to_s.sub(/\AT_/, '') }).each do |type|
    differ["T_#{type}"] = { 'count_objects' => 0, 'dump' => dumped[type] }
  end
  dumped_total = object_records.values.sum

  since1 = $requests_at_dump.empty? ? 0 : $requests_done - $requests_at_dump[0]
  facts = {
    'dump' => name,
    'dump_index' => index,
    'dump_bytes' => File.size(path),
    'dumps_total' => DUMPS,
    'ruby_version' => RUBY_VERSION,
    'ruby_description' => RUBY_DESCRIPTION,
    'program' => __FILE__,
    'file' => __FILE__,
    'scale' => SCALE,
    'gc_count' => gc_count,
    'requests' => {
      'warmup' => WARMUP, 'per_round' => ROUND, 'done' => $requests_done, 'since_dump1' => since1
    },
    'count_objects' => {
      'counts' => counts.map { |k, v| [k.to_s, v] }.to_h,
      'live_objects' => live,
      'dump_records' => dumped,
      'dump_objects' => dumped_total,
      'live_objects_match' => live == dumped_total,
      'exact_types' => exact,
      'differing_types' => differ,
      'notes' => 'count_objects was taken after GC.start with GC disabled, right before dump_all into an ' \
                 'already open File; nothing is allocated or freed in between, so every T_ type count equals ' \
                 'the number of dump records of that type and live_objects (TOTAL - FREE) equals the number ' \
                 'of object records (all records except ROOT and SHAPE). count_objects leaves out types with ' \
                 'a zero count. dump_records was counted by this program from the dump it just wrote, and ' \
                 'differing_types lists every type whose counts differ in this run. Expected on Ruby 2.7 (not ' \
                 'run here): the File written to is left out of its own dump (T_FILE one less in the dump) and ' \
                 'the keyword Hash passed to the C dump_all is allocated after count_objects (T_HASH one more).'
    },
    'leaked' => {
      'A' => {
        'kind' => 'global variable', 'holder' => '$request_metrics',
        'objects_per_request' => LEAK_SITES.select { |l, *| l == 'A' }.sum { |*, n| n },
        'since_dump1' => leak_rows(since1).select { |r| r['leak'] == 'A' },
        'alive_total' => leak_rows($requests_done).select { |r| r['leak'] == 'A' }
      },
      'B' => {
        'kind' => 'class-level instance variable', 'holder' => 'EventBus @listeners',
        'objects_per_request' => LEAK_SITES.select { |l, *| l == 'B' }.sum { |*, n| n },
        'since_dump1' => leak_rows(since1).select { |r| r['leak'] == 'B' },
        'alive_total' => leak_rows($requests_done).select { |r| r['leak'] == 'B' }
      }
    },
    'leaked_since_dump1' => leak_rows(since1),
    'accumulation_points' => [
      {
        'leak' => 'A', 'what' => '$request_metrics', 'type' => 'HASH',
        'address' => CONTAINER_ADDRESSES['request_metrics'], 'size' => $request_metrics.size,
        'root_chain' => ['ROOT global_tbl', 'HASH'],
        'chain_notes' => 'The global variable entry marks the Hash directly: it is in the references of the ' \
                         'global_tbl ROOT record.'
      },
      {
        'leak' => 'B', 'what' => 'EventBus @listeners', 'type' => 'ARRAY',
        'address' => CONTAINER_ADDRESSES['listeners'], 'size' => EventBus.listeners.size,
        'owner' => { 'type' => 'CLASS', 'name' => 'EventBus', 'address' => CONTAINER_ADDRESSES['EventBus'] },
        'root_chain' => ['ROOT vm', 'CLASS Object', 'CLASS EventBus', 'ARRAY'],
        'chain_notes' => 'EventBus is a constant of Object, and Object is in the references of the vm ROOT ' \
                         'record (observed on 3.1.2). EventBus is also referenced from other places (its ' \
                         'singleton class, method entries and inline caches), but the shortest path from a ' \
                         'ROOT goes through Object.'
      }
    ],
    'bounded' => {
      'cache' => {
        'what' => 'CACHE (LruCache @entries)', 'type' => 'HASH', 'address' => CONTAINER_ADDRESSES['cache'],
        'size' => CACHE.size, 'capacity' => CACHE.capacity, 'hits' => CACHE.hits, 'misses' => CACHE.misses,
        'hot_entries' => CACHE.entries.keys.count { |k| k.split(':')[1].to_i < 1000 },
        'sites' => bounded_rows('cache'),
        'notes' => 'Full before dump 1 and the same size at every dump. The hot entries were created in the ' \
                   'warm-up; every cold entry alive at a dump was created in the round just before it.'
      },
      'sessions' => {
        'what' => 'SESSIONS (SessionStore @sessions)', 'type' => 'HASH', 'address' => CONTAINER_ADDRESSES['sessions'],
        'size' => SESSIONS.size, 'ttl_requests' => SESSION_TTL, 'created' => SESSIONS.created, 'expired' => SESSIONS.expired,
        'sites' => bounded_rows('sessions'),
        'notes' => 'Every session alive at a dump was created within the last ttl_requests requests, so the ' \
                   'sessions of one dump are all gone by the next.'
      }
    }
  }
  if index == DUMPS && $requests_at_dump.size >= 2
    between = $requests_at_dump[1] - $requests_at_dump[0]
    facts['expected_three_snapshot'] = {
      'snapshots' => ["#{PREFIX}-heap1.json", "#{PREFIX}-heap2.json", name],
      'objects' => leak_rows(between),
      'total' => leak_rows(between).sum { |r| r['count'] },
      'notes' => 'Objects allocated after dump 1 that are alive in dump 2 and in this dump: exactly the planted ' \
                 'leaks of the requests between dump 1 and dump 2 (cache entries and sessions of that round ' \
                 'are all gone by now). Objects are the same when address, type, file, line and generation agree: ' \
                 'addresses alone also match slots reused by other objects. Ruby creates inline caches (IMEMO) ' \
                 'the first time a line runs; every line of this program runs before dump 1, so none are new ' \
                 '(checked on 3.1.2; other versions may still add a few).'
    }
  end
  facts
end

# ---------------------------------------------------------------------------------------------
Dir.mkdir(OUT_DIR) unless Dir.exist?(OUT_DIR)
warn format('shop.rb: Ruby %s, scale %s: warm-up %d requests, %d dumps, %d requests per round, cache %d, session TTL %d',
            RUBY_VERSION, SCALE, WARMUP, DUMPS, ROUND, CACHE_CAPACITY, SESSION_TTL)
started = Process.clock_gettime(Process::CLOCK_MONOTONIC)

# Every line below runs before dump 1 (and the rehearsal runs the dump and facts code once), so the
# inline caches Ruby creates on first execution exist before dump 1 and are not "new" objects later.
run_requests(40)
take_dump(0, rehearsal: true)
requests_before_dump = [WARMUP - 40] + [ROUND] * (DUMPS - 1)
requests_before_dump.each_with_index do |count, idx|
  run_requests(count)
  take_dump(idx + 1)
end
warn format('shop.rb: done in %.1f s', Process.clock_gettime(Process::CLOCK_MONOTONIC) - started)
