import Retention
import Testing

/// ``Gem/of(file:)`` on the path forms the issue lists, and on what must not be taken for a gem.
@Suite("Gem")
struct GemTests {
    static let cases: [(String?, Gem?)] = [
        ("/usr/share/rubygems-integration/all/gems/activesupport-6.1.7.10/lib/active_support.rb",
         .gem(GemName(name: "activesupport", version: "6.1.7.10"))),
        ("/home/u/.gem/ruby/3.1.0/gems/rack-2.2.22/lib/rack/request.rb", .gem(GemName(name: "rack", version: "2.2.22"))),
        ("/app/vendor/bundle/ruby/3.2.0/gems/nokogiri-1.15.4-x86_64-linux/lib/nokogiri.rb",
         .gem(GemName(name: "nokogiri", version: "1.15.4-x86_64-linux"))),
        ("/app/vendor/bundle/ruby/3.2.0/gems/net-http-0.4.1/lib/net/http.rb", .gem(GemName(name: "net-http", version: "0.4.1"))),
        // The last gems/NAME-VERSION segment counts (a gem vendored inside another).
        ("/g/gems/outer-1.0/vendor/gems/inner-2.0/lib/x.rb", .gem(GemName(name: "inner", version: "2.0"))),
        ("/app/vendor/bundle/ruby/3.2.0/bundler/gems/rails-1a2b3c4d5e6f/activesupport/lib/a.rb",
         .gem(GemName(name: "rails", revision: "1a2b3c4d5e6f"))),
        ("/usr/lib/ruby/gems/3.1.0/extensions/x86_64-linux/3.1.0/json-2.6.3/json/ext/parser.so",
         .gem(GemName(name: "json", version: "2.6.3"))),
        ("<internal:kernel>", .ruby),
        ("/usr/lib/ruby/3.1.0/set.rb", .ruby),
        ("/opt/rubies/3.3.0/lib/ruby/3.3.0/json/common.rb", .ruby),
        ("/usr/lib/x86_64-linux-gnu/ruby/3.1.0/etc.so", .ruby),
        ("/app/app/models/user.rb", .app),
        ("/app/gems/notagem/x.rb", .app),         // no version
        ("/app/lib/ruby/notaversion/x.rb", .app),
        ("(eval)", .app),
        ("", .app),
        ("gems/-1.0/x.rb", .app),                 // no name
        ("/a\n\"b/gems/evil\u{1}-1.0/x.rb", .gem(GemName(name: "evil\u{1}", version: "1.0"))),
        (nil, nil),
    ]

    @Test("Paths classify as the issue says", arguments: GemTests.cases.indices)
    func classify(_ k: Int) {
        let (file, expected) = GemTests.cases[k]
        #expect(Gem.of(file: file) == expected, "\(String(describing: file))")
    }
}
