package ai

import (
	"math"
	"regexp"
	"sort"
	"strings"
)

// The offline summary (textrank-v1): the notes are split into sentences,
// each sentence becomes a TF-IDF vector over its non-stop words, sentences
// are linked by cosine similarity, and TextRank (damping 0.85, 30
// iterations) ranks them. The summary is the top three sentences in the
// order they were written; key points are sentences that state a next
// step, a decision or a problem, else the next-ranked ones.
const (
	summarySentences = 3
	maxKeyPoints     = 5
	damping          = 0.85
	rankIterations   = 30
	maxSentences     = 200
)

var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or but if then so of to in on at by for with from as is are was were be been being
	this that these those it its he she they them his her their we us our you your i me my not no do does did have has had will would
	can could should may might must shall about into over under again just also very too than there here what which who whom when where
	why how all any both each few more most other some such only own same up down out off am re s t`) {
		stopWords[w] = true
	}
}

var (
	sentenceEnd = regexp.MustCompile(`([.!?])\s+|\n+`)
	actionCue   = regexp.MustCompile(`(?i)\b(next step|follow[- ]?up|will|agreed|decided|asked|wants?|needs?|plans?|promised|deadline|by (monday|tuesday|wednesday|thursday|friday|next week|end of)|problem|issue|complain\w*|cancel\w*|refund\w*|renew\w*|upgrade\w*)\b`)
)

// Summary is the offline summary.
type Summary struct {
	Summary   string
	KeyPoints []string
}

// SummarizeNotes ranks the sentences of notes (newest first) and picks
// the summary and key points. It is deterministic.
func SummarizeNotes(name string, notes []Note) Summary {
	var sents []string
	for _, n := range notes {
		for _, s := range splitSentences(n.Title + ". " + n.Body) {
			if len(sents) < maxSentences {
				sents = append(sents, s)
			}
		}
	}
	if len(sents) == 0 {
		if name == "" {
			name = "this record"
		}
		return Summary{Summary: "There are no notes on " + name + " yet.", KeyPoints: []string{}}
	}
	rank := textRank(sents)
	order := make([]int, len(sents))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rank[order[a]] > rank[order[b]] })
	top := append([]int(nil), order[:min(summarySentences, len(order))]...)
	sort.Ints(top)
	chosen := map[int]bool{}
	parts := make([]string, 0, len(top))
	for _, i := range top {
		parts = append(parts, sents[i])
		chosen[i] = true
	}
	out := Summary{Summary: strings.Join(parts, " "), KeyPoints: []string{}}
	for _, i := range order {
		if len(out.KeyPoints) < maxKeyPoints && actionCue.MatchString(sents[i]) {
			out.KeyPoints = append(out.KeyPoints, cut(sents[i], 200))
		}
	}
	for _, i := range order {
		if len(out.KeyPoints) >= maxKeyPoints || len(out.KeyPoints) >= 3 {
			break
		}
		if !chosen[i] && !actionCue.MatchString(sents[i]) {
			out.KeyPoints = append(out.KeyPoints, cut(sents[i], 200))
		}
	}
	return out
}

// splitSentences cuts text at sentence ends and line breaks, dropping
// Markdown list markers and fragments without a word of content.
func splitSentences(text string) []string {
	var out []string
	idx := sentenceEnd.FindAllStringSubmatchIndex(text, -1)
	start := 0
	emit := func(s string) {
		s = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(s), "-*#> "))
		if len(contentWords(s)) >= 2 {
			out = append(out, s)
		}
	}
	for _, m := range idx {
		end := m[1]
		if m[2] >= 0 {
			end = m[3] // keep the punctuation
		} else {
			end = m[0]
		}
		emit(text[start:end])
		start = m[1]
	}
	emit(text[start:])
	return out
}

func contentWords(s string) []string {
	var out []string
	for _, w := range tokens(strings.ToLower(s)) {
		if len(w) > 1 && !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// textRank returns each sentence's rank.
func textRank(sents []string) []float64 {
	n := len(sents)
	df := map[string]int{}
	tfs := make([]map[string]float64, n)
	for i, s := range sents {
		tfs[i] = map[string]float64{}
		for _, w := range contentWords(s) {
			tfs[i][w]++
		}
		for w := range tfs[i] {
			df[w]++
		}
	}
	vecs := make([]map[string]float64, n)
	norms := make([]float64, n)
	for i, tf := range tfs {
		vecs[i] = map[string]float64{}
		for w, c := range tf {
			x := c * (1 + math.Log(float64(n)/float64(df[w])))
			vecs[i][w] = x
			norms[i] += x * x
		}
		norms[i] = math.Sqrt(norms[i])
	}
	sim := make([][]float64, n)
	out := make([]float64, n)
	for i := range sim {
		sim[i] = make([]float64, n)
		for j := range n {
			if i == j || norms[i] == 0 || norms[j] == 0 {
				continue
			}
			dot := 0.0
			for w, x := range vecs[i] {
				dot += x * vecs[j][w]
			}
			sim[i][j] = dot / (norms[i] * norms[j])
			out[i] += sim[i][j]
		}
	}
	rank := make([]float64, n)
	for i := range rank {
		rank[i] = 1
	}
	for range rankIterations {
		next := make([]float64, n)
		for i := range n {
			sum := 0.0
			for j := range n {
				if sim[j][i] > 0 && out[j] > 0 {
					sum += sim[j][i] / out[j] * rank[j]
				}
			}
			next[i] = (1 - damping) + damping*sum
		}
		rank = next
	}
	// Ties (a lone sentence, unrelated ones) go to the newer note, which
	// comes first.
	for i := range rank {
		rank[i] -= float64(i) * 1e-9
	}
	return rank
}
