# rails_dumps.rb DIR [DUMPS] -- loads Rails 6.1 and its gems (Debian's ruby-rails), does some
# work that allocates in the application and in the gems, and writes DUMPS (default 3) heap
# dumps with allocation tracing: DIR/rails-heap1.json, ... Used by the tests of `retention
# diff`, `waste` and `--by gem`, which count the same things with JSONSerialization.
#
# Run without Bundler: ruby Examples/rails/rails_dumps.rb /tmp/rails-dumps
require "objspace"
ObjectSpace.trace_object_allocations_start

require "rails"
require "active_support/all"
require "active_model"
require "action_controller"
require "rack"

dir = ARGV.fetch(0)
dumps = Integer(ARGV.fetch(1, "3"))

def write_dump(path)
  GC.start
  tmp = path + ".tmp"
  File.open(tmp, "w") { |f| ObjectSpace.dump_all(output: f) }
  File.rename(tmp, path)
end

class Person
  include ActiveModel::Model
  attr_accessor :name, :email, :tags
end

$kept = []
$cache = {}

# Work that allocates in the gems (ActiveSupport, ActiveModel, Rack) and here, and keeps
# some of it: duplicate strings, empty and one-element collections among it.
def request(i)
  params = { "name" => "user#{i % 50}", "email" => "u#{i}@example.com", "role" => "member" }.with_indifferent_access
  person = Person.new(name: params[:name], email: params[:email], tags: [])
  env = Rack::MockRequest.env_for("/people/#{i % 7}?page=#{i % 3}")
  req = Rack::Request.new(env)
  $kept << [person, req.path, "status:" + "active", params[:role].dup, {}, [i], { id: i }]
  $cache[ActiveSupport::Inflector.pluralize("person#{i % 20}")] = params.to_h
  nil
end

(1..dumps).each do |k|
  write_dump(File.join(dir, "rails-heap#{k}.json"))
  break if k == dumps
  300.times { |i| request((k * 1000) + i) }
end
