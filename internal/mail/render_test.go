package mail_test

import (
	"strings"
	"testing"

	rmail "github.com/roster-crm/roster/internal/mail"
)

func TestRenderHTML(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"escapes", `<script>alert("x")</script> & more`, `<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more</p>`},
		{"paragraphs and breaks", "one\ntwo\n\n  \nthree", "<p>one<br>\ntwo</p>\n<p>three</p>"},
		{"markdown link", "see [the plan](https://a.test/p?x=1&y=2)", `<p>see <a href="https://a.test/p?x=1&amp;y=2">the plan</a></p>`},
		{"bare link keeps the full stop outside", "go to https://a.test/x.", `<p>go to <a href="https://a.test/x">https://a.test/x</a>.</p>`},
		{"mailto link", "[write](mailto:a@b.test)", `<p><a href="mailto:a@b.test">write</a></p>`},
		{"javascript is not a link", "[click](javascript:alert(1))", `<p>[click](javascript:alert(1))</p>`},
		{"quotes cannot leave the attribute", `https://a.test/"onmouseover="x`, `<p><a href="https://a.test/">https://a.test/</a>&#34;onmouseover=&#34;x</p>`},
		{"link text is escaped", "[<b>x</b>](https://a.test)", `<p><a href="https://a.test">&lt;b&gt;x&lt;/b&gt;</a></p>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := rmail.RenderHTML(tc.in)
			if !strings.Contains(got, tc.want) {
				t.Errorf("RenderHTML(%q) = %q; want it to contain %q", tc.in, got, tc.want)
			}
		})
	}
}
