package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Label selects the element whose accessible name is exactly this text, as
// Chromium computes it for screen readers: a button's text, a link's text,
// an input's <label>, aria-label or aria-labelledby. Finding controls this
// way is itself an accessibility check: a control the test cannot find by
// name, a screen-reader user cannot either.
//
// Controls (buttons, links, fields, tabs...) win over other elements with the
// same name, so Label("Sign in") is the button and not the heading; among
// controls the first in document order wins.
type Label string

func (l Label) String() string { return fmt.Sprintf("the element labelled %q", string(l)) }

// marks numbers the elements Label has found; the number becomes a data
// attribute so the other helpers can address the element by CSS.
var marks atomic.Int64

// controlRoles are the roles a person operates.
var controlRoles = map[string]bool{
	"button": true, "link": true, "textbox": true, "searchbox": true, "combobox": true, "checkbox": true,
	"radio": true, "tab": true, "menuitem": true, "option": true, "listbox": true, "spinbutton": true,
	"switch": true, "slider": true, "TextField": true, "PopUpButton": true,
}

// textRoles are the text nodes that carry a name but are not elements.
var textRoles = map[string]bool{"StaticText": true, "InlineTextBox": true, "LabelText": true, "none": true}

func (l Label) css(ctx context.Context, t *chromedp.Target) (string, error) {
	for {
		css, err := l.find(ctx, t)
		if err == nil {
			return css, nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (l Label) find(ctx context.Context, t *chromedp.Target) (string, error) {
	doc, err := cdp.Call(ctx, t, runtime.Evaluate, runtime.EvaluateParams{Expression: "document"})
	if err != nil {
		return "", err
	}
	if doc.Result == nil || doc.Result.ObjectID == "" {
		return "", fmt.Errorf("no document")
	}
	defer cdp.Call(ctx, t, runtime.ReleaseObject, runtime.ReleaseObjectParams{ObjectID: doc.Result.ObjectID})
	res, err := cdp.Call(ctx, t, accessibility.QueryAXTree, accessibility.QueryAXTreeParams{ObjectID: doc.Result.ObjectID, AccessibleName: string(l)})
	if err != nil {
		return "", err
	}
	var control, other cdp.BackendNodeID
	for _, n := range res.Nodes {
		if n.Ignored || n.BackendDOMNodeID == 0 {
			continue
		}
		role := axString(n.Role)
		switch {
		case textRoles[role]:
		case controlRoles[role]:
			if control == 0 {
				control = n.BackendDOMNodeID
			}
		default:
			if other == 0 {
				other = n.BackendDOMNodeID
			}
		}
	}
	id := control
	if id == 0 {
		id = other
	}
	if id == 0 {
		return "", errNotFound
	}
	obj, err := cdp.Call(ctx, t, dom.ResolveNode, dom.ResolveNodeParams{BackendNodeID: id})
	if err != nil {
		return "", err
	}
	defer cdp.Call(ctx, t, runtime.ReleaseObject, runtime.ReleaseObjectParams{ObjectID: obj.Object.ObjectID})
	mark := strconv.FormatInt(marks.Add(1), 10)
	arg, _ := json.Marshal(mark)
	if _, err := cdp.Call(ctx, t, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: `function(m) { this.setAttribute("data-browsertest", m); }`,
		ObjectID:            obj.Object.ObjectID,
		Arguments:           []*runtime.CallArgument{{Value: arg}},
	}); err != nil {
		return "", err
	}
	return `[data-browsertest="` + mark + `"]`, nil
}

// axString reads a string-valued accessibility property.
func axString(v *accessibility.Value) string {
	if v == nil {
		return ""
	}
	var s string
	_ = json.Unmarshal(v.Value, &s)
	return s
}
