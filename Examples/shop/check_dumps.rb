# check_dumps.rb -- independent checks of the dumps written by shop.rb against their facts files.
#
#   ruby Examples/shop/check_dumps.rb [--counts-only] DUMP1 DUMP2 DUMP3 [...]
#
# DUMPn are shop-heapN.json or .json.gz files in dump order; each one's facts are read from the
# file beside it (shop-heapN.facts.json). Prints, per dump: records, ROOT, SHAPE, object and edge
# counts, counts per type, bytes, dangling references; then compares with the facts:
#   * count_objects: every type listed in exact_types equals the number of records of that type;
#   * leaked_since_dump1: objects at the leak sites with generation >= the gc_count of dump 1;
#   * expected_three_snapshot (last dump): objects alive in dumps 2 and K, allocated after dump 1,
#     where "the same object" means the same address, type, file, line and generation;
#   * bounded: the live objects at the cache and session sites;
#   * accumulation_points: the address holds a record of that type, and the shortest path from a
#     ROOT record to it (printed);
# and reports address reuse: (i) leaked objects allocated after dump 1 at an address that held a
# different object in dump 1, (ii) objects in dump K at the address of a dump K-1 object that was
# freed in between. Exits 1 if a check fails.
#
# --counts-only streams each dump and prints only the counts (for the large benchmark dumps).
require 'json'
require 'zlib'

def each_line(path, &block)
  if path.end_with?('.gz')
    Zlib::GzipReader.open(path) { |gz| gz.each_line(&block) }
  else
    File.foreach(path, &block)
  end
end

def facts_for(path)
  fp = path.sub(/\.json(\.gz)?\z/, '.facts.json')
  File.exist?(fp) ? JSON.parse(File.read(fp)) : nil
end

$failures = 0
def check(ok, what)
  puts "  #{ok ? 'ok  ' : 'FAIL'} #{what}"
  $failures += 1 unless ok
end

def counts_only(path)
  records = roots = shapes = objects = edges = bytes = 0
  types = Hash.new(0)
  each_line(path) do |line|
    records += 1
    bytes += line.bytesize
    type = line[/"type":"([A-Z]+)"/, 1]
    types[type] += 1
    if type == 'ROOT'
      roots += 1
      next
    end
    if type == 'SHAPE'
      shapes += 1
      next
    end
    objects += 1
    i = line.index('"references":[')
    next unless i

    j = line.index(']', i)
    edges += line[i, j - i].count(',') + 1
  end
  { 'records' => records, 'roots' => roots, 'shapes' => shapes, 'objects' => objects, 'edges' => edges,
    'bytes' => bytes, 'types' => types }
end

Dump = Struct.new(:path, :facts, :records, :roots, :objects, :types, :edges, :bytes, :classes, :invalid)

def load_dump(path)
  roots = []
  objects = {}
  types = Hash.new(0)
  records = edges = bytes = invalid = 0
  each_line(path) do |line|
    records += 1
    bytes += line.bytesize
    rec = begin
      JSON.parse(line)
    rescue JSON::ParserError
      invalid += 1
      next
    end
    types[rec['type']] += 1
    case rec['type']
    when 'ROOT' then roots << rec
    when 'SHAPE' then next
    else
      objects[rec['address'].to_i(16)] = rec
      edges += (rec['references'] || []).size
    end
  end
  classes = {}
  objects.each { |a, r| classes[a] = r['name'] || r['real_class_name'] if %w[CLASS MODULE].include?(r['type']) }
  Dump.new(path, facts_for(path), records, roots, objects, types, edges, bytes, classes, invalid)
end

def class_name(dump, rec)
  rec['class'] ? dump.classes[rec['class'].to_i(16)] : nil
end

def identity(rec)
  [rec['type'], rec['file'], rec['line'], rec['generation']]
end

def site_key(dump, rec)
  [rec['type'], class_name(dump, rec), rec['file'], rec['line']]
end

def row_key(row)
  [row['type'], row['class'], row['file'], row['line']]
end

def tally(rows)
  h = Hash.new(0)
  rows.each { |r| h[row_key(r)] += r['count'] }
  h
end

def shortest_root_path(dump, target)
  prev = {}
  queue = []
  dump.roots.each do |root|
    root['references'].each do |ref|
      a = ref.to_i(16)
      next if prev.key?(a)

      prev[a] = "ROOT #{root['root']}"
      queue << a
    end
  end
  until queue.empty?
    a = queue.shift
    break if a == target

    rec = dump.objects[a]
    next unless rec

    (rec['references'] || []).each do |ref|
      b = ref.to_i(16)
      next if prev.key?(b)

      prev[b] = a
      queue << b
    end
  end
  return nil unless prev.key?(target)

  path = []
  node = target
  while node.is_a?(Integer)
    rec = dump.objects[node]
    label = rec['type']
    label += " #{rec['name'] || rec['real_class_name']}" if %w[CLASS MODULE].include?(rec['type'])
    path.unshift(label)
    node = prev[node]
  end
  path.unshift(node)
end

def summary(name, c)
  types = c['types'].reject { |t, _| %w[ROOT SHAPE].include?(t) }.sort_by { |t, n| [-n, t] }.map { |t, n| "#{t} #{n}" }.join(', ')
  puts format('%s: %d records (%d ROOT, %d SHAPE, %d objects), %d edges, %d bytes, %.1f bytes/object, %.2f edges/object',
              name, c['records'], c['roots'], c['shapes'], c['objects'], c['edges'], c['bytes'],
              c['bytes'].to_f / c['objects'], c['edges'].to_f / c['objects'])
  puts "  types: #{types}"
end

counts_mode = ARGV.delete('--counts-only')
paths = ARGV
abort 'usage: ruby Examples/shop/check_dumps.rb [--counts-only] DUMP1 DUMP2 DUMP3 [...]' if paths.size < (counts_mode ? 1 : 3)

if counts_mode
  paths.each { |p| summary(File.basename(p), counts_only(p)) }
  exit
end

dumps = paths.map { |p| load_dump(p) }
g1 = dumps[0].facts['gc_count']
file = dumps[0].facts['file']

dumps.each_with_index do |d, i|
  c = { 'records' => d.records, 'roots' => d.roots.size, 'shapes' => d.types['SHAPE'], 'objects' => d.objects.size,
        'edges' => d.edges, 'bytes' => d.bytes, 'types' => d.types }
  summary(File.basename(d.path), c)
  dangling = d.objects.values.sum { |r| (r['references'] || []).count { |ref| !d.objects.key?(ref.to_i(16)) } }
  bad_class = d.objects.values.count { |r| r['class'] && !d.objects.key?(r['class'].to_i(16)) }
  puts "  invalid lines #{d.invalid}, dangling edges #{dangling}, records whose class is not in the dump #{bad_class}" \
       " (#{d.objects.values.count { |r| r['class'] && !d.objects.key?(r['class'].to_i(16)) && r['type'] != 'IMEMO' }} of them not IMEMO)"
  f = d.facts
  next puts('  (no facts file)') unless f

  co = f['count_objects']
  co['exact_types'].each do |t|
    check(co['counts'][t] == d.types[t.sub(/\AT_/, '')], "count_objects #{t} #{co['counts'][t]} == dump #{d.types[t.sub(/\AT_/, '')]}")
  end
  check(co['live_objects'] == d.objects.size, "count_objects TOTAL-FREE #{co['live_objects']} == #{d.objects.size} objects") if co['live_objects_match']

  # objects by site, split into "allocated after dump 1" and all
  after1 = Hash.new(0)
  all = Hash.new(0)
  d.objects.each_value do |r|
    next unless r['file'] == file

    k = site_key(d, r)
    all[k] += 1
    after1[k] += 1 if r['generation'] && r['generation'] >= g1 && i > 0
  end
  tally(f['leaked_since_dump1']).each do |k, n|
    check(after1[k] == n, "leaked_since_dump1 #{k.inspect}: expected #{n}, found #{after1[k]}")
  end
  f['leaked'].each do |name, leak|
    tally(leak['alive_total']).each { |k, n| check(all[k] == n, "leak #{name} alive #{k.inspect}: expected #{n}, found #{all[k]}") }
    tally(leak['since_dump1']).each { |k, n| check(after1[k] == n, "leak #{name} since dump 1 #{k.inspect}: expected #{n}, found #{after1[k]}") }
  end
  f['bounded'].each do |name, b|
    tally(b['sites']).each { |k, n| check(all[k] == n, "#{name} #{k.inspect}: expected #{n}, found #{all[k]}") }
  end
  f['accumulation_points'].each do |ap|
    rec = d.objects[ap['address'].to_i(16)]
    check(rec && rec['type'] == ap['type'], "#{ap['what']} at #{ap['address']} is a #{ap['type']}")
    path = shortest_root_path(d, ap['address'].to_i(16))
    check(path == ap['root_chain'], "#{ap['what']} shortest root path #{path.inspect} == facts #{ap['root_chain'].inspect}")
  end
end

# three-snapshot diff, by object identity (address + type/file/line/generation)
first, second, last = dumps[0], dumps[1], dumps[-1]
if (exp = last.facts && last.facts['expected_three_snapshot'])
  found = Hash.new(0)
  naive = 0
  last.objects.each do |a, r|
    naive += 1 if second.objects.key?(a) && !first.objects.key?(a)
    s = second.objects[a]
    next unless s && identity(s) == identity(r)

    f1 = first.objects[a]
    next if f1 && identity(f1) == identity(r)

    found[site_key(last, r)] += 1
  end
  puts "three-snapshot (#{exp['snapshots'].join(', ')}), by identity: #{found.values.sum} objects; expected #{exp['total']}"
  tally(exp['objects']).each { |k, n| check(found[k] == n, "three-snapshot #{k.inspect}: expected #{n}, found #{found[k]}") }
  extra = found.reject { |k, _| tally(exp['objects']).key?(k) }
  puts "  other survivors (not planted leaks): #{extra.empty? ? 'none' : extra.map { |k, n| "#{k.inspect} x#{n}" }.join('; ')}"
  puts "  naive address-only diff (address in #{File.basename(second.path)} and #{File.basename(last.path)}, not in #{File.basename(first.path)}): #{naive} objects"
end

# address reuse
leak_keys = tally(first.facts['leaked'].values.flat_map { |l| l['alive_total'] }).keys
dumps.each_cons(2).with_index do |(prev, cur), i|
  reused_leaks = 0
  example_leak = nil
  cur.objects.each do |a, r|
    next unless r['generation'] && r['generation'] >= g1 && leak_keys.include?(site_key(cur, r))

    old = first.objects[a]
    next unless old && identity(old) != identity(r)

    reused_leaks += 1
    example_leak ||= [a, old, r]
  end
  reused = 0
  example = nil
  cur.objects.each do |a, r|
    old = prev.objects[a]
    next unless old && identity(old) != identity(r)

    reused += 1
    example ||= [a, old, r]
  end
  desc = ->(rec) { "#{rec['type']} #{rec['file']}:#{rec['line']} gen #{rec['generation']}" }
  puts "address reuse #{File.basename(prev.path)} -> #{File.basename(cur.path)}:"
  puts "  (i) leaked objects allocated after dump 1 at an address that held another object in dump 1: #{reused_leaks}" +
       (example_leak ? format(' (e.g. 0x%x: %s, then %s)', example_leak[0], desc.call(example_leak[1]), desc.call(example_leak[2])) : '')
  puts "  (ii) objects at the address of a #{File.basename(prev.path)} object freed in between: #{reused}" +
       (example ? format(' (e.g. 0x%x: %s, then %s)', example[0], desc.call(example[1]), desc.call(example[2])) : '')
end

puts($failures.zero? ? 'all checks passed' : "#{$failures} checks FAILED")
exit($failures.zero? ? 0 : 1)
